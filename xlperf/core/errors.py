"""Exceptions that reach the user, their codes (:class:`XCode`), and the one place that maps them to
exit statuses.

Every message is Simplified Chinese and names the file (and sheet and cell where known).
The CLI prints ``str(error)`` on one line; ``--debug`` adds the traceback.
"""

from __future__ import annotations

from enum import StrEnum, unique
from pathlib import Path


@unique
class XCode(StrEnum):
    """The catalogue of error codes (``XlperfError.code``), beside the findings catalogue.

    A code never changes meaning once published, and every raise names its code from here (a test
    fails on an ``"X"`` + three digits literal anywhere else). The first digit groups them: 0 the
    input and the arguments, 1 the output, 2 the environment, 3 the live workbook (the Excel button).
    Some codes were published with two situations each (``REUSED``): kept, and said in their meaning.
    """

    meaning: str

    def __new__(cls, code: str, meaning: str) -> XCode:
        member = str.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        return member

    # the input, and the arguments that name it
    GENERIC = "X000", "an error with no more specific code (the base class's; never raised as such)"
    INPUT = "X001", "the input cannot be used, no more specific code (InputError's default)"
    INPUT_MISSING = "X002", (
        "the input file does not exist, or is a folder (the .xlsx guards; X003 elsewhere); "
        "also: the 定性指标 judgement word list cannot be read, is not TOML or is invalid"
    )
    INPUT_EMPTY = "X003", (
        "the input file is empty (0 bytes); also: the input is a folder (form readers, calculation)"
    )
    INPUT_TEXT = "X004", (
        "the input is text, PDF, HTML or Excel 2003 XML, not a workbook; "
        "also: a batch file pattern matches no file"
    )
    INPUT_CSV = "X005", "the input is a CSV file; also: batch found no workbook to process"
    INPUT_CORRUPT = "X006", (
        "the input is a damaged or truncated zip package; also: the department's --projects folder does not exist"
    )
    NOT_A_WORKBOOK = "X007", "the input is a zip package but not a workbook (Word, PowerPoint, an empty or other zip)"
    INPUT_XLSB = "X008", "the input is an Excel binary workbook (.xlsb)"
    INPUT_XLS = "X009", "the input is an old binary Office file (.xls 97-2003 or another OLE file)"
    INPUT_ENCRYPTED = "X010", "the input has an opening password"
    INPUT_TOO_LARGE = "X011", (
        "the input is too large or looks built to exhaust memory (a zip bomb, over 100 MB, "
        "too many cells, rows, columns or XML elements)"
    )
    INPUT_DOCTYPE = "X012", "a part of the input declares a DOCTYPE/ENTITY (refused, never parsed)"
    INPUT_UNREADABLE = "X013", "the workbook's content cannot be read: a part is not valid XML, or the reader failed"
    INPUT_ODS = "X014", "the input is an OpenDocument spreadsheet (.ods) where an .xlsx is needed"
    INPUT_NO_ACCESS = "X015", "the input cannot be read: no permission, or another operating-system error"
    NO_SUCH_SHEET = "X016", "a sheet a calculation writes is not in the workbook"
    SAVE_AS = "X017", "the input is a format no reader opens (.et, .doc, …): the message says how to save it"
    FORM_UNREADABLE = "X018", "a unit's form (.xls, .ods, .docx) cannot be read: damaged or not a table"
    NO_HEADER_ROW = "X020", "our template's indicator sheet has no header row"
    MISSING_COLUMN = "X021", "our template's indicator header lacks a column the rules need"
    NO_INDICATOR_SHEET = "X022", "the workbook has no 绩效指标 sheet (nor a table that can stand for it)"
    NO_FORM = "X023", "a one-sheet form has no indicator header"
    WHICH_TABLE = "X024", "the file holds several self-evaluation tables and none was chosen, or --table names none"
    NO_TABLE = "X025", "the file holds no self-evaluation table, or the one it holds cannot be read"
    FOREIGN_CALC = "X026", "calc or the Excel button refuses a unit's own form (it is imported, not written into)"
    IMPORT_WITHHELD = "X027", "import refused: the source table's total cannot be decided"
    ALREADY_TEMPLATE = "X028", "import refused: the file already is our template"
    BAD_STYLE = "X030", "--style names no report style"
    BAD_FORMAT = "X031", "--format names no output format"
    TEMPLATE_MISSING = "X032", "the --template file does not exist, is a folder, or cannot be read"
    TEMPLATE_NOT_DOCX = "X033", "the report template is not a .docx Word can open"
    TEMPLATE_MARKUP = "X034", "the report template has no template markers, or their syntax is wrong"
    STRICT_STOP = "X035", "report --strict stopped: the workbook has 错误-level findings"
    STYLE_TYPE_MISMATCH = "X036", "the report style does not fit the evaluation type (or the report asked for)"
    BAD_OUT_NAME = "X037", (
        "-o does not fit: a wrong extension, one that disagrees with --format, "
        "or a file name where a folder is needed (import of a folder or of several tables)"
    )
    BATCH_OUT_FILE = "X038", "batch -o names a file, not a folder"
    NOT_DEPARTMENT = "X040", "--projects is given but the workbook is not a 部门整体支出 evaluation"
    REPORT_UNREADABLE = "X041", "the Word report to review or annotate is not a .docx Word document (another format, or a package python-docx cannot open)"
    # the output
    OUTPUT = "X101", "the output cannot be written, no more specific code (OutputError's default)"
    OUT_FOLDER = "X102", "the output folder does not exist, is not a folder, or cannot be created"
    OUT_DENIED = "X103", (
        "no permission to write the output (a read-only folder or disk, or the output path is a folder); "
        "also: the output is open in Excel/Word/WPS, seen by its lock file"
    )
    OUT_IN_USE = "X104", (
        "the output cannot be overwritten: another program holds it open; "
        "also: a report would overwrite the workbook it is made from"
    )
    OUT_TAKEN = "X105", (
        "the output already exists and --force was not given (OutputExists); "
        "also: another xlperf process is writing the same output"
    )
    OUT_WRITE = "X106", (
        "saving failed: a full disk, another operating-system error, no file produced, or a lock "
        "file that cannot be made; also: batch -o names something that exists and is not a folder"
    )
    OUT_READONLY = "X107", "the output file is read-only, or batch's output folder is not writable"
    BATCH_BUSY = "X108", "another batch is writing to the same output folder"
    OUT_HARDLINK = "X109", "the output has several hard links; rewriting it would split them"
    OUT_OWNER = "X110", "the output belongs to another user or group; rewriting it would change that"
    PATH_TOO_LONG = "X111", "the output path would pass Windows' MAX_PATH"
    OUT_IS_SOURCE = "X112", "the annotated copy of a report would replace the report it is made from"
    # the environment
    NO_PROGRAM = "X201", (
        "a program or package we need is missing, broken or cannot start (LibreOffice, xlwings and "
        "its add-in template, pywin32, Excel on this system; EnvironmentProblem's default)"
    )
    PDF_FAILED = "X202", "LibreOffice did not produce the PDF, or timed out"
    BUILTIN_TEMPLATE_MISSING = "X203", "a built-in report template is missing from the installation"
    # the live workbook (the Excel button)
    SHEET_PROTECTED = "X301", "a sheet the button writes is password-protected"


# Codes published with two situations each (their meanings say which); no other code may be reused.
REUSED = frozenset(
    {
        XCode.INPUT_MISSING,
        XCode.INPUT_EMPTY,
        XCode.INPUT_TEXT,
        XCode.INPUT_CSV,
        XCode.INPUT_CORRUPT,
        XCode.OUT_DENIED,
        XCode.OUT_IN_USE,
        XCode.OUT_TAKEN,
        XCode.OUT_WRITE,
    }
)


EXIT_OK = 0
EXIT_FINDINGS = 1  # the workbook has 错误-level findings (or some batch item failed)
EXIT_UNUSABLE = 2  # the input cannot be used at all
EXIT_ENVIRONMENT = 3  # a missing program, an unwritable output folder, a locked file


class XlperfError(Exception):
    """Base of every error meant for the user. ``message`` is Chinese."""

    exit_code = EXIT_UNUSABLE
    code: str = XCode.GENERIC

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
    code: str = XCode.INPUT


class OutputError(XlperfError):
    """The output cannot be written: folder missing or read-only, file locked by Excel…"""

    exit_code = EXIT_ENVIRONMENT
    code: str = XCode.OUTPUT


class OutputExists(OutputError):
    """The output file is already there and --force was not given: the user decides, so this is
    not an environment problem (exit 2, like any other request that cannot be carried out)."""

    exit_code = EXIT_UNUSABLE
    code: str = XCode.OUT_TAKEN


class EnvironmentProblem(XlperfError):
    """A program we need (LibreOffice, Excel) is not available."""

    exit_code = EXIT_ENVIRONMENT
    code: str = XCode.NO_PROGRAM
