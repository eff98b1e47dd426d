"""Accounts, roles and the audit log (issue 9).

``auth.roles`` says who may see what; ``auth.store`` keeps the built-in accounts and signs
people in; ``auth.audit`` is the append-only log of who did what; ``auth.oidc`` reads the
identity that Streamlit's ``st.login`` established. Both SQLite files live in
:func:`auth.store.state_dir`, outside the warehouse, so a load that swaps the warehouse file
never touches them.
"""
