"""A profile's order figures as the requestor may see them.

Store-wide, the figures are the profile's stored ones. Staff restricted to
some channels get them computed from the orders of their channels
(:func:`~saleor_crm_plugin.analytics.channel_figures.figures_in_channels`),
one query for every profile of the response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...analytics.channel_figures import ChannelFigures, figures_in_channels
from ..core.dataloaders import DataLoader


class ChannelFiguresByProfileLoader(DataLoader):
    """Figures of profiles from the orders of the requestor's channels."""

    context_key = "channel_figures_by_profile"

    def batch_load(self, keys: list[Any]) -> list[ChannelFigures]:
        figures = figures_in_channels(
            keys, self.context.requestor.channels or (), config=self.context.configuration
        )
        return [figures.get(key, ChannelFigures()) for key in keys]


def profile_figures(root: Any, info: Any, read: Callable[[Any], Any]) -> Any:
    """``read`` applied to the profile's figures: the stored ones (the
    profile itself), or for staff restricted to some channels a Promise of
    their channels' :class:`ChannelFigures` (same attribute names).
    """
    if info.context.requestor.sees_all_channels:
        return read(root)
    return ChannelFiguresByProfileLoader(info.context).load(root.pk).then(read)
