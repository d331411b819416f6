"""用户管理 (admin): accounts and roles. Passwords are stored as Argon2id hashes."""

import streamlit as st

from gwlib.store.users import users
from gwui import labels
from gwui.accounts import forms, user_table
from gwui.loaders import get_store, load_meta
from gwui.render import demo_notice
from gwui.session import current_role

st.title(labels.USERS_TITLE)
demo_notice(load_meta())
st.caption(
    "角色：查看者（领导，只读）、编辑（科室人员，办理与修改台账）、管理员（另可管理用户）。"
    "也可用命令行：python -m gwlib users add 用户名 --role editor"
)
if current_role() != "admin":
    st.info("只有管理员可以管理用户。")
    st.stop()
table = users(get_store())
user_table(table)
forms(list(table["username"]))
