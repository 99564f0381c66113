"""Stories: sequences of saved views (`stories.csv`), in the order the file gives them."""

from __future__ import annotations

import pandas as pd

from geo.load import Atlas


def story_titles(atlas: Atlas) -> dict[str, str]:
    """Return {story id: its full title}, in the order stories first appear in the file."""
    return dict(zip(atlas.stories["story"], atlas.stories["story_title"]))


def story_steps(atlas: Atlas, story: str) -> pd.DataFrame:
    """Return a story's steps sorted by step number (columns of stories.csv; ``step`` as int). Remembered per
    loaded atlas (every page's sidebar lists the stories on every run); the frame is shared: read it only."""

    def build() -> pd.DataFrame:
        steps = atlas.stories[atlas.stories["story"] == story]
        return steps.assign(step=steps["step"].astype(int)).sort_values("step").reset_index(drop=True)

    return atlas.memo(("story_steps", story), build)
