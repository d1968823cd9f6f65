"""Simulated syringe pump (a sibling module of the deck)."""
import time

from abstract_balance import sim_delay_s


class AbstractPump:
    """Syringe pump on a serial port."""

    def __init__(self, port: str):
        self.port = port

    def dose_liquid(self, amount_in_ml: float, rate_ml_per_minute: float = 1):
        """dose liquid"""
        time.sleep(sim_delay_s())
