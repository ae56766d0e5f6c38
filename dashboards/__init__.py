"""Grafana dashboards as code for the serving stack, generated from what the service serves and pages on.

:func:`build_boards` gives the five boards (model serving, GPU fleet, autoscaling, SLOs, GPU cost)
for a catalogue, a set of SLOs and GPU prices: the same input always gives the same JSON
(:meth:`Board.to_json`). Boards are built with ``grafana-foundation-sdk`` behind our panel factory
(:mod:`dashboards.panels`); queries come from the catalogue's recipes (:mod:`dashboards.queries`) and
the SLO recording rule names (:mod:`slo.record_names`).

Imports ``slo`` and the adapter's catalogue and typed PromQL; nothing of ``alerts`` or the server.
"""

from .assemble import assemble
from .board import FOLDER, TAG, Board, iter_panels, iter_targets
from .boards.autoscaling import autoscaling_board
from .boards.gpu_cost import gpu_cost_board
from .boards.gpu_fleet import gpu_fleet_board
from .boards.serving import serving_board
from .boards.slos import slos_board
from .inputs import BoardInputs, parse_gpu_prices

__all__ = [
    "FOLDER",
    "TAG",
    "Board",
    "BoardInputs",
    "build_boards",
    "iter_panels",
    "iter_targets",
    "parse_gpu_prices",
]

_BOARDS = (serving_board, gpu_fleet_board, autoscaling_board, slos_board, gpu_cost_board)


def build_boards(inputs: BoardInputs) -> list[Board]:
    """The five boards for ``inputs``, in a fixed order."""
    return [assemble(board(inputs)) for board in _BOARDS]
