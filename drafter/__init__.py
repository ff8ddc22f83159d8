"""drafter: grounded 运营工作概述 drafting, critique and revision."""

__version__ = "0.1.0"
