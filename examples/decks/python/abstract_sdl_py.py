"""
Abstract self-driving lab, written the way IvoryOS decks are: the instruments are created under
`if __name__ == "__main__":` just before `ivoryos.run(__name__)`. Serve it with
`npx ivoryos-agent examples/decks/python/abstract_sdl_py.py` (deck `abstract_sdl_py`), or, with IvoryOS
installed, `python abstract_sdl_py.py`. It mirrors the TypeScript demo `examples/decks/abstract_sdl.ts`.
"""
import asyncio
import logging
import random
import time
from enum import Enum
from typing import List, Literal, Optional

from abstract_balance import AbstractBalance, sim_delay_s
from abstract_pump import AbstractPump


class Solvent(Enum):
    Methanol = "Methanol"
    Ethanol = "Ethanol"
    Acetone = "Acetone"


class AbstractSDL:
    """The self-driving lab: doses, equilibrates and analyzes with the pump and the balance."""

    def __init__(self, pump: AbstractPump, balance: AbstractBalance):
        self.pump = pump
        self.balance = balance
        self.logger = logging.getLogger("abstract_sdl_py")
        self._error_calls = 0
        self._fail_once_calls = 0

    async def analyze(self, param_1: int, param_2: int) -> float:
        """analyze current chemical"""
        self.logger.info("analyze %s %s", param_1, param_2)
        await asyncio.sleep(sim_delay_s())
        return random.random()

    async def dose_solid(self, amount_in_mg: float = 5, solid_name: str = "acetaminophen") -> int:
        """dose current chemical"""
        print("dosing solid")
        await self.balance.dose_solid(amount_in_mg=amount_in_mg)
        self.balance.weigh_sample()
        self.logger.info("dosing solid %s", amount_in_mg)
        return 1

    def dose_solvent(self, solvent_name: Optional[Solvent] = None, amount_in_ml: float = 5,
                     rate_ml_per_minute: float = 1) -> int:
        """Dose a solvent with the pump; Methanol when not given."""
        solvent = solvent_name or Solvent.Methanol
        self.pump.dose_liquid(amount_in_ml=amount_in_ml, rate_ml_per_minute=rate_ml_per_minute)
        self.balance.weigh_sample()
        self.logger.info("dosing %s solvent", solvent.value)
        return 1

    def equilibrate(self, temp: float, duration: float):
        """Hold the temperature for `duration` seconds of real time (the slow method)."""
        print("equilibrate at %s for %s s" % (temp, duration))
        time.sleep(duration)

    def measure(self) -> tuple[float, float, str]:
        """Read [absorbance, temperature in °C, status]."""
        return random.random(), 25.0, "ok"

    def set_mode(self, mode: Literal["fast", "standard", "slow"] = "standard", repeats: Literal[1, 3, 5] = 3) -> str:
        """Choose the measuring mode."""
        return "%s x%d" % (mode, repeats)

    def load_samples(self, sample_ids: List[str], volumes: list) -> int:
        """Load the racks: one volume per sample."""
        return len(sample_ids)

    def simulate_error(self):
        """Fails on two calls out of three (1st, 2nd, 4th, 5th, ...): exercises retry."""
        self._error_calls += 1
        if self._error_calls % 3 != 0:
            raise ValueError("error will clear after the 3rd retry")

    def fail_once(self):
        """Fails on its first call only."""
        self._fail_once_calls += 1
        if self._fail_once_calls == 1:
            raise RuntimeError("first call fails; retry succeeds")

    def always_fail(self):
        """Fails on every call."""
        raise RuntimeError("this step always fails")

    def _send_command(self, command: str):
        """A helper, hidden from the UI by its leading underscore."""


class Bench:
    """Answers at once, without simulated delay: for benchmarks of the orchestration itself."""

    def noop(self, x: int = 1) -> int:
        return x


if __name__ == "__main__":
    balance = AbstractBalance("Fake com port 1")
    pump = AbstractPump("Fake com port 2")
    sdl = AbstractSDL(pump, balance)
    bench = Bench()

    import ivoryos
    ivoryos.run(__name__, logger="abstract_sdl_py")
