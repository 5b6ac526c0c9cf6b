"""KAA-statistik: the dashboard's entrypoint. Run with `streamlit run dashboard.py`."""

from ui.app import main

main()
