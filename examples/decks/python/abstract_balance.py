"""Simulated analytical balance (a sibling module of the deck, imported as IvoryOS decks do)."""
import asyncio
import os


def sim_delay_s():
    """IVORYOS_SIM_DELAY_MS (default 50; 0 = instant), as in the TypeScript demo."""
    text = os.environ.get("IVORYOS_SIM_DELAY_MS", "")
    return (int(text) if text else 50) / 1000


class AbstractBalance:
    """Analytical balance on a serial port."""

    def __init__(self, port: str):
        self.port = port
        self._tare_offset_mg = 0.0

    def weigh_sample(self) -> float:
        """Weigh the sample on the pan, in mg."""
        return 100 + self._tare_offset_mg

    async def dose_solid(self, amount_in_mg: float):
        """this function is used to dose solid"""
        print("dosing %s mg on the balance" % amount_in_mg)
        await asyncio.sleep(sim_delay_s())

    @property
    def tare_offset(self) -> float:
        """Offset subtracted from every reading, in mg."""
        return self._tare_offset_mg

    @tare_offset.setter
    def tare_offset(self, value: float):
        self._tare_offset_mg = value
