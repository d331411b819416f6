"""用户管理 (admin): accounts and roles. Passwords are stored as Argon2id hashes."""

import streamlit as st

from gwlib.errors import GwlibError
from gwlib.store.users import MIN_PASSWORD, PASSWORD_RULES, ROLES, create_user, update_user, users
from gwui import keys, labels
from gwui.loaders import get_store, load_meta
from gwui.render import demo_notice, md
from gwui.session import actor, current_role

st.title(labels.USERS_TITLE)
demo_notice(load_meta())
st.caption(
    "角色：查看者（领导，只读）、编辑（科室人员，办理与修改台账）、管理员（另可管理用户）。"
    "也可用命令行：python -m gwlib users add 用户名 --role editor"
)
if current_role() != "admin":
    st.info("只有管理员可以管理用户。")
    st.stop()
store = get_store()
table = users(store)
st.dataframe(
    table,
    hide_index=True,
    key="users.table",
    column_config={
        "username": "用户名",
        "display_name": "姓名",
        "role": "角色",
        "active": "启用",
        "created_at": st.column_config.DatetimeColumn("创建时间（UTC）", format="YYYY-MM-DD HH:mm"),
        "last_login": st.column_config.DatetimeColumn("最近登录（UTC）", format="YYYY-MM-DD HH:mm"),
    },
)
fmt = labels.ROLE_LABELS.get
with st.form(keys.USERS_ADD_FORM, clear_on_submit=True):
    st.markdown("**新建用户**")
    c1, c2, c3, c4 = st.columns(4)
    name = c1.text_input("用户名", key="users.add.name")
    display = c2.text_input("姓名", key="users.add.display")
    role = c3.selectbox("角色", ROLES, format_func=fmt, key="users.add.role")
    pw = c4.text_input(
        f"初始密码（至少 {MIN_PASSWORD} 位）",
        type="password",
        key="users.add.password",
        help=PASSWORD_RULES,
    )
    if st.form_submit_button("新建", key="users.add.submit"):
        try:
            create_user(store, name, role, pw, display, by=actor())
            st.success(f"已新建用户 {md(name)}。")
        except GwlibError as exc:
            st.error(md(str(exc)))
with st.form(keys.USERS_EDIT_FORM):
    st.markdown("**修改用户**")
    c1, c2, c3, c4 = st.columns(4)
    who = c1.selectbox("用户", list(table["username"]), key="users.edit.name")
    new_role = c2.selectbox(
        "新角色",
        [None, *ROLES],
        format_func=lambda r: fmt(r, "不变") if r else "不变",
        key="users.edit.role",
    )
    new_pw = c3.text_input("新密码（留空不变）", type="password", key="users.edit.password")
    active = c4.selectbox(
        "启用",
        [None, True, False],
        key="users.edit.active",
        format_func=lambda a: "不变" if a is None else ("启用" if a else "停用"),
    )
    if st.form_submit_button("保存", key="users.edit.submit") and who:
        try:
            update_user(
                store, who, by=actor(), role=new_role, password=new_pw or None, active=active
            )
            st.success(f"已更新用户 {md(who)}。")
        except GwlibError as exc:
            st.error(md(str(exc)))
