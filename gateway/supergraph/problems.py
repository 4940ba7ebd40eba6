"""Problems found in a supergraph, reported together as one value instead of an exception."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SupergraphProblem", "SupergraphProblems"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SupergraphProblem:
    """One thing wrong with the supergraph; `location` names the element (`Type.field`)."""

    code: str
    message: str
    location: str | None = None

    def __str__(self) -> str:
        where = f" [{self.location}]" if self.location else ""
        return f"{self.code}: {self.message}{where}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SupergraphProblems:
    """Every problem found; loading fails as a whole when there is at least one."""

    problems: tuple[SupergraphProblem, ...]

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
