"""用户管理's forms: new user and change user. Both clear on submit, and their password fields
ask the browser not to fill in a saved password: a password typed for one user never goes to
the next one saved."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from gwlib.errors import GwlibError
from gwlib.store.users import MIN_PASSWORD, PASSWORD_RULES, ROLES, create_user, update_user
from gwui import keys, labels
from gwui.loaders import get_store
from gwui.render import labelled_table, md
from gwui.session import actor

K = keys


def user_table(table: pd.DataFrame) -> None:
    """The accounts with roles in words and times in local time."""
    from gwui.results import local_time

    shown = table.assign(
        role=[labels.ROLE_LABELS.get(r, r) for r in table["role"]],
        created_at=local_time(table["created_at"]),
        last_login=local_time(table["last_login"]).fillna(""),
    )
    labelled_table(shown, labels.USERS_COLUMNS, K.USERS_TABLE)


def _save(what: str, action: Callable[[], object], done: str) -> None:
    """Run a form's save before the page is drawn; its password fields are emptied whatever
    happens, so the next save cannot reuse them."""
    for k in (K.USERS_ADD_PASSWORD, K.USERS_EDIT_PASSWORD):
        st.session_state[k] = ""
    try:
        action()
        st.session_state[K.USERS_RESULT] = ("success", done)
    except GwlibError as exc:
        st.session_state[K.USERS_RESULT] = ("error", f"{what}未保存：{md(str(exc))}")


def _add() -> None:
    s = st.session_state
    name, password = s[K.USERS_ADD_NAME], s[K.USERS_ADD_PASSWORD]
    _save(
        "新建用户",
        lambda: create_user(get_store(), name, s[K.USERS_ADD_ROLE], password,
                            s[K.USERS_ADD_DISPLAY], by=actor()),
        f"已新建用户 {md(name)}。",
    )


def _edit() -> None:
    s = st.session_state
    who, password = s[K.USERS_EDIT_NAME], s[K.USERS_EDIT_PASSWORD] or None
    _save(
        "修改用户",
        lambda: update_user(get_store(), who, by=actor(), role=s[K.USERS_EDIT_ROLE],
                            password=password, active=s[K.USERS_EDIT_ACTIVE]),
        f"已更新用户 {md(who)}。",
    )


def forms(usernames: list[str]) -> None:
    fmt = labels.ROLE_LABELS.get
    with st.form(K.USERS_ADD_FORM, clear_on_submit=True):
        st.markdown("**新建用户**")
        c1, c2, c3, c4 = st.columns(4)
        c1.text_input("用户名", key=K.USERS_ADD_NAME)
        c2.text_input("姓名", key=K.USERS_ADD_DISPLAY)
        c3.selectbox("角色", ROLES, format_func=fmt, key=K.USERS_ADD_ROLE)
        c4.text_input(f"初始密码（至少 {MIN_PASSWORD} 位）", type="password",
                      key=K.USERS_ADD_PASSWORD, help=PASSWORD_RULES,
                      autocomplete="new-password")  # fmt: skip
        st.form_submit_button("新建", key=K.USERS_ADD_SUBMIT, on_click=_add)
    with st.form(K.USERS_EDIT_FORM):
        st.markdown("**修改用户**")
        c1, c2, c3, c4 = st.columns(4)
        c1.selectbox("用户", usernames, key=K.USERS_EDIT_NAME)
        c2.selectbox("新角色", [None, *ROLES], key=K.USERS_EDIT_ROLE,
                     format_func=lambda r: fmt(r, "不变") if r else "不变")  # fmt: skip
        c3.text_input("新密码（留空不变）", type="password", key=K.USERS_EDIT_PASSWORD,
                      help=PASSWORD_RULES, autocomplete="new-password")  # fmt: skip
        c4.selectbox("启用", [None, True, False], key=K.USERS_EDIT_ACTIVE,
                     format_func=lambda a: "不变" if a is None else "启用" if a else "停用")
        st.form_submit_button("保存", key=K.USERS_EDIT_SUBMIT, on_click=_edit)
    if K.USERS_RESULT in st.session_state:
        kind, message = st.session_state.pop(K.USERS_RESULT)
        (st.success if kind == "success" else st.error)(message)
