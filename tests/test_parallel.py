"""Work dealt out to forked processes: every item goes to exactly one of them."""

from __future__ import annotations

import time

from docsite.parallel import Deal, fork_pool, inherited


def _take_slowly(deal: Deal | None = None) -> list[int]:
    """The items this process takes (a worker's deal is the one it inherited)."""
    deal = deal or inherited(Deal)
    taken = []
    for index in deal.take():
        taken.append(index)
        time.sleep(0.002)  # long enough for the other process to take some too
    return taken


def test_a_deal_gives_each_item_to_one_process_only() -> None:
    deal = Deal(200)
    with fork_pool(deal, 2) as pool:
        futures = [pool.submit(_take_slowly) for _ in range(2)]
        parts = [_take_slowly(deal), *(future.result() for future in futures)]
    taken = [index for part in parts for index in part]
    assert sorted(taken) == list(range(200))  # none twice, none left out
    assert sum(1 for part in parts if part) >= 2  # shared, not all taken by one process
