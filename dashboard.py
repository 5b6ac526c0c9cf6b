"""KAA-statistik: the dashboard's entrypoint. Run with `streamlit run dashboard.py`.

`streamlit run` finds `app` below and serves the dashboard as an `st.App`, whose middleware makes the
page's language Swedish (ui/server.py); the server then runs this file as `__main__` for every page view.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.server import SwedishDocument

if __name__ == "__main__":
    from ui.app import main

    main()
else:  # imported by the server to find the app
    app = st.App("dashboard.py", middleware=[Middleware(SwedishDocument)])
