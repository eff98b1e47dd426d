"""Placeholder: being built."""

import streamlit as st

st.write("…")
