"""Exceptions that reach the user, and the one place that maps them to exit statuses.

Every message is Simplified Chinese and names the file (and sheet and cell where known).
The CLI prints ``str(error)`` on one line; ``--debug`` adds the traceback.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1  # the workbook has 错误-level findings (or some batch item failed)
EXIT_UNUSABLE = 2  # the input cannot be used at all
EXIT_ENVIRONMENT = 3  # a missing program, an unwritable output folder, a locked file


class XlperfError(Exception):
    """Base of every error meant for the user. ``message`` is Chinese."""

    exit_code = EXIT_UNUSABLE
    code = "X000"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        code: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.sheet = sheet
        self.cell = cell
        if code:
            self.code = code
        super().__init__(self.__str__())

    @property
    def location(self) -> str:
        parts = []
        if self.path:
            parts.append(Path(self.path).name)
        if self.sheet:
            parts.append(f"{self.sheet}!{self.cell}" if self.cell else self.sheet)
        return " ".join(parts)

    def __str__(self) -> str:
        loc = self.location
        return f"{loc}：{self.message}" if loc else self.message


class InputError(XlperfError):
    """The input file cannot be used: not a workbook, encrypted, missing sheets, too large…"""

    exit_code = EXIT_UNUSABLE
    code = "X001"


class OutputError(XlperfError):
    """The output cannot be written: folder missing or read-only, file locked by Excel…"""

    exit_code = EXIT_ENVIRONMENT
    code = "X101"


class OutputExists(OutputError):
    """The output file is already there and --force was not given: the user decides, so this is
    not an environment problem (exit 2, like any other request that cannot be carried out)."""

    exit_code = EXIT_UNUSABLE
    code = "X105"


class EnvironmentProblem(XlperfError):
    """A program we need (LibreOffice, Excel) is not available."""

    exit_code = EXIT_ENVIRONMENT
    code = "X201"
