"""The sample sheets the import page offers for download: an ISP's customer sheet in real-world shape
and the past payments of its first customers. demo/sample_sheets.py writes them (deterministic);
they ship with the app so a production install offers them too."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
CUSTOMERS_SAMPLE = HERE / "sample_customers.xlsx"
PAST_PAYMENTS_SAMPLE = HERE / "sample_past_payments.csv"
