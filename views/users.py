"""用户管理 (admin): accounts and roles. Passwords are stored as Argon2id hashes.

Both forms clear on submit, and their password fields ask the browser not to fill in a saved
password: a password typed for one user never goes to the next one saved."""

from collections.abc import Callable

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
RESULT = "users.result"  # (kind, message) of the last save, shown once


def _save(what: str, action: Callable[[], object], done: str) -> None:
    """Run a form's save before the page is drawn; its password fields are emptied whatever
    happens, so the next save cannot reuse them."""
    for k in ("users.add.password", "users.edit.password"):
        st.session_state[k] = ""
    try:
        action()
        st.session_state[RESULT] = ("success", done)
    except GwlibError as exc:
        st.session_state[RESULT] = ("error", f"{what}未保存：{md(str(exc))}")


def _add() -> None:
    s = st.session_state
    name, password = s["users.add.name"], s["users.add.password"]
    _save(
        "新建用户",
        lambda: create_user(
            store, name, s["users.add.role"], password, s["users.add.display"], by=actor()
        ),
        f"已新建用户 {md(name)}。",
    )


def _edit() -> None:
    s = st.session_state
    who, password = s["users.edit.name"], s["users.edit.password"] or None
    _save(
        "修改用户",
        lambda: update_user(
            store,
            who,
            by=actor(),
            role=s["users.edit.role"],
            password=password,
            active=s["users.edit.active"],
        ),
        f"已更新用户 {md(who)}。",
    )


with st.form(keys.USERS_ADD_FORM, clear_on_submit=True):
    st.markdown("**新建用户**")
    c1, c2, c3, c4 = st.columns(4)
    c1.text_input("用户名", key="users.add.name")
    c2.text_input("姓名", key="users.add.display")
    c3.selectbox("角色", ROLES, format_func=fmt, key="users.add.role")
    c4.text_input(
        f"初始密码（至少 {MIN_PASSWORD} 位）",
        type="password",
        key="users.add.password",
        help=PASSWORD_RULES,
        autocomplete="new-password",
    )
    st.form_submit_button("新建", key="users.add.submit", on_click=_add)
with st.form(keys.USERS_EDIT_FORM):
    st.markdown("**修改用户**")
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox("用户", list(table["username"]), key="users.edit.name")
    c2.selectbox(
        "新角色",
        [None, *ROLES],
        format_func=lambda r: fmt(r, "不变") if r else "不变",
        key="users.edit.role",
    )
    c3.text_input(
        "新密码（留空不变）",
        type="password",
        key="users.edit.password",
        help=PASSWORD_RULES,
        autocomplete="new-password",
    )
    c4.selectbox(
        "启用",
        [None, True, False],
        key="users.edit.active",
        format_func=lambda a: "不变" if a is None else ("启用" if a else "停用"),
    )
    st.form_submit_button("保存", key="users.edit.submit", on_click=_edit)
if RESULT in st.session_state:
    kind, message = st.session_state.pop(RESULT)
    (st.success if kind == "success" else st.error)(message)
