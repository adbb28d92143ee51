"""Pre-flight checks of a built eCTD sequence folder, modelled on the FDA/EU validation criteria.

Each check returns findings (fail or warning) with the offending path; a check without findings
passes. The folder is what is checked, so a package tampered with after its build fails too.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from submissions.packaging.backbone import XLINK_NS
from submissions.packaging.ectd import FDA_REGIONAL_DTD, PUBLISHED_UTIL_MD5
from submissions.packaging.files import md5_of
from submissions.packaging.layout import REGIONAL_DIR, REGIONAL_FILE

NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9]+)?$")
XML_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
MODIFIED_FILE = re.compile(
    r"^(?:\.\./\.\./)?\.\./(?P<seq>\d{4})/(?:index\.xml|m1/us/us-regional\.xml)#(?P<id>.+)$"
)
# Strictest path length per region: FDA counts the whole path (150), the EU from the sequence folder (180).
PATH_LIMIT = {"us": 150, "eu": 180}
OPERATIONS = {"new", "append", "replace", "delete"}


@dataclass
class Finding:
    status: str  # "fail" or "warning"
    path: str
    message: str


@dataclass
class Context:
    """What the checks look at: the folder, plus what the database knows of earlier sequences."""

    sequence_dir: Path
    region: str
    application_folder: str
    earlier_leaves: dict[str, set[str]]  # sequence label -> leaf ids it introduced
    retired: set[str]  # leaf ids replaced or deleted before this sequence
    required_sections: list[tuple[str, str]]  # (code, title) that must be present
    present_sections: set[str]
    unconfirmed_codes: list[str] = field(default_factory=list)
    known_md5: dict[str, str] = field(default_factory=dict)  # computed while building
    regional_dtd: Path | None = None  # the FDA regional DTD in the user's util folder
    _parsed: dict = field(default_factory=dict)

    def xml(self, relative: str):
        if relative not in self._parsed:
            try:
                self._parsed[relative] = etree.parse(str(self.sequence_dir / relative))
            except (OSError, etree.XMLSyntaxError):
                self._parsed[relative] = None
        return self._parsed[relative]

    def leaves(self):
        """(backbone, leaf element, path of its file from the sequence folder) for every leaf."""
        for backbone, base in (("index.xml", ""), (REGIONAL_FILE, REGIONAL_DIR + "/")):
            tree = self.xml(backbone) if (self.sequence_dir / backbone).exists() else None
            if tree is None:
                continue
            for leaf in tree.iter("leaf"):
                href = leaf.get(f"{{{XLINK_NS}}}href") or leaf.get("{http://www.w3.org/1999/xlink}href") or ""
                yield backbone, leaf, (base + href if href else "")

    def files(self):
        return sorted(
            p.relative_to(self.sequence_dir).as_posix() for p in self.sequence_dir.rglob("*") if p.is_file()
        )


def check_structure(ctx: Context):
    required = ["index.xml", "index-md5.txt", "util/dtd", "util/style"]
    if ctx.region == "us":
        required.append(REGIONAL_FILE)
    for relative in required:
        if not (ctx.sequence_dir / relative).exists():
            yield Finding("fail", relative, f"{relative} is missing from the sequence folder.")


def check_well_formed(ctx: Context):
    for relative in ["index.xml", REGIONAL_FILE if ctx.region == "us" else None]:
        if relative and (ctx.sequence_dir / relative).exists() and ctx.xml(relative) is None:
            yield Finding("fail", relative, f"{relative} is not well-formed XML.")


def check_util_checksums(ctx: Context):
    for relative, published in PUBLISHED_UTIL_MD5.items():
        path = ctx.sequence_dir / "util" / relative
        if not path.exists():
            yield Finding(
                "fail",
                f"util/{relative}",
                f"util/{relative} is missing: point SUBMISSIONS_ECTD_UTIL_DIR at the folder holding the "
                "official ICH util files (dtd/, style/); they are not ours to ship.",
            )
        elif md5_of(path) != published:
            yield Finding(
                "fail", f"util/{relative}", f"util/{relative} is not the published ICH file (MD5 differs)."
            )


def _dtd_findings(tree, relative: str, dtd_path: Path, dtd_label: str):
    try:
        dtd = etree.DTD(str(dtd_path))
    except etree.DTDParseError as exc:
        yield Finding("fail", dtd_label, f"The DTD cannot be read: {exc}")
        return
    if not dtd.validate(tree):
        for error in dtd.error_log.filter_from_errors()[:20]:
            yield Finding("fail", relative, f"line {error.line}: {error.message}")


def check_dtd(ctx: Context):
    dtd_path = ctx.sequence_dir / "util/dtd/ich-ectd-3-2.dtd"
    tree = ctx.xml("index.xml") if (ctx.sequence_dir / "index.xml").exists() else None
    if not dtd_path.exists() or tree is None:
        yield Finding(
            "warning", "index.xml", "Not validated against the DTD: util/dtd/ich-ectd-3-2.dtd is absent."
        )
        return
    yield from _dtd_findings(tree, "index.xml", dtd_path, "util/dtd/ich-ectd-3-2.dtd")


def check_regional_dtd(ctx: Context):
    """us-regional.xml names the FDA DTD by URL; we validate against the user's copy of it, if any."""
    if ctx.region != "us" or not (ctx.sequence_dir / REGIONAL_FILE).exists():
        return
    tree = ctx.xml(REGIONAL_FILE)
    if tree is None:
        return  # check_well_formed reports it
    if ctx.regional_dtd is None or not ctx.regional_dtd.is_file():
        yield Finding(
            "warning",
            REGIONAL_FILE,
            f"Not validated against the FDA regional DTD: put {FDA_REGIONAL_DTD} in the folder "
            "SUBMISSIONS_ECTD_UTIL_DIR points at (the FDA publishes it; it is not ours to ship).",
        )
        return
    yield from _dtd_findings(tree, REGIONAL_FILE, ctx.regional_dtd, f"{FDA_REGIONAL_DTD} (util folder)")


def check_references(ctx: Context):
    referenced = {"index.xml", "index-md5.txt"}
    for backbone, leaf, path in ctx.leaves():
        if not path:
            continue
        referenced.add(path)
        if not (ctx.sequence_dir / path).is_file():
            yield Finding(
                "fail", path, f"Leaf {leaf.get('ID')} in {backbone} points to a file that does not exist."
            )
    for relative in ctx.files():
        if relative not in referenced and not relative.startswith("util/"):
            yield Finding("fail", relative, "File is in the package but no leaf references it.")
    for folder in sorted(p for p in ctx.sequence_dir.rglob("*") if p.is_dir()):
        if not any(folder.iterdir()):
            yield Finding("fail", folder.relative_to(ctx.sequence_dir).as_posix(), "Empty folder.")


def check_checksums(ctx: Context):
    for backbone, leaf, path in ctx.leaves():
        kind, declared = leaf.get("checksum-type", ""), leaf.get("checksum", "")
        if kind not in ("md5", "MD5"):
            yield Finding(
                "fail", backbone, f"Leaf {leaf.get('ID')}: checksum-type must be md5, not {kind!r}."
            )
        if not path or not (ctx.sequence_dir / path).is_file():
            continue
        actual = ctx.known_md5.get(path) or md5_of(ctx.sequence_dir / path)
        if declared.lower() != actual:
            yield Finding(
                "fail", path, f"MD5 {actual} does not match the checksum {declared!r} in {backbone}."
            )
    index, md5_file = ctx.sequence_dir / "index.xml", ctx.sequence_dir / "index-md5.txt"
    if index.exists() and md5_file.exists() and md5_file.read_text().strip() != md5_of(index):
        yield Finding("fail", "index-md5.txt", "index-md5.txt does not hold the MD5 of index.xml.")


def check_lifecycle(ctx: Context):
    seen_ids = set()
    label = ctx.sequence_dir.name
    for backbone, leaf, path in ctx.leaves():
        leaf_id, operation, target = leaf.get("ID", ""), leaf.get("operation", ""), leaf.get("modified-file")
        where = f"{backbone}#{leaf_id}"
        if not XML_ID.match(leaf_id):
            yield Finding(
                "fail", where, f"Leaf ID {leaf_id!r} is not a valid XML ID (it must not start with a digit)."
            )
        if leaf_id in seen_ids:
            yield Finding("fail", where, f"Leaf ID {leaf_id!r} is used twice.")
        seen_ids.add(leaf_id)
        if operation not in OPERATIONS:
            yield Finding(
                "fail", where, f"Operation {operation!r} is not one of new, append, replace, delete."
            )
            continue
        if operation == "new":
            if target:
                yield Finding("fail", where, "A 'new' leaf must not have a modified-file.")
            continue
        match = MODIFIED_FILE.match(target or "")
        if match is None:
            yield Finding(
                "fail", where, f"A '{operation}' leaf needs a modified-file like ../0001/index.xml#id."
            )
            continue
        target_seq, target_id = match["seq"], match["id"]
        if target_seq > label or (target_seq == label and operation != "append"):
            yield Finding(
                "fail", where, f"modified-file points to sequence {target_seq}, not an earlier one."
            )
        elif target_id not in ctx.earlier_leaves.get(target_seq, set()):
            yield Finding(
                "fail",
                where,
                f"modified-file names leaf {target_id} that sequence {target_seq} does not have.",
            )
        elif target_id in ctx.retired:
            yield Finding("fail", where, f"Leaf {target_id} was already replaced or deleted.")
        if operation == "delete" and (path or leaf.get("checksum")):
            yield Finding("fail", where, "A 'delete' leaf must not carry a file or a checksum.")


def check_names(ctx: Context):
    limit = PATH_LIMIT[ctx.region]
    for relative in ctx.files():
        if relative.startswith("util/"):
            continue
        for part in relative.split("/"):
            if len(part) > 64:
                yield Finding("fail", relative, f"'{part}' is longer than 64 characters.")
            elif not NAME.match(part):
                yield Finding(
                    "fail", relative, f"'{part}' may only use a-z, 0-9 and '-', with one extension."
                )
        full = (
            f"{ctx.application_folder}/{ctx.sequence_dir.name}/{relative}"
            if ctx.region == "us"
            else (f"{ctx.sequence_dir.name}/{relative}")
        )
        if len(full) > limit:
            yield Finding(
                "fail",
                relative,
                f"Path is {len(full)} characters; the {ctx.region.upper()} limit is {limit}.",
            )


def check_pdfs(ctx: Context):
    for relative in ctx.files():
        if not relative.endswith(".pdf"):
            continue
        try:
            # An open file, not a path: given a path, pypdf reads the whole file into memory.
            with open(ctx.sequence_dir / relative, "rb") as fh:
                encrypted = PdfReader(fh).is_encrypted
            if encrypted:
                yield Finding("fail", relative, "PDF is encrypted or password-protected.")
        except (PdfReadError, OSError, ValueError) as exc:
            yield Finding("fail", relative, f"PDF cannot be read: {exc}")


def check_required_items(ctx: Context):
    for code, title in ctx.required_sections:
        if code not in ctx.present_sections:
            yield Finding("fail", f"section {code}", f"Required item missing: {code} {title}.")


def check_code_lists(ctx: Context):
    for token in ctx.unconfirmed_codes:
        yield Finding(
            "warning", REGIONAL_FILE, f"Code {token} is not confirmed against the current FDA code list."
        )


CHECKS = [
    ("structure", "Required files and folders are in place", check_structure),
    ("well-formed", "Backbones are well-formed XML", check_well_formed),
    ("util-checksums", "util DTD and stylesheet match the published ICH checksums", check_util_checksums),
    ("dtd", "index.xml is valid against the ICH DTD", check_dtd),
    ("regional-dtd", "us-regional.xml is valid against the FDA regional DTD", check_regional_dtd),
    ("references", "Every reference resolves and every file is referenced", check_references),
    ("checksums", "Leaf MD5 checksums and index-md5.txt match", check_checksums),
    ("lifecycle", "Leaf IDs and lifecycle operations are valid", check_lifecycle),
    ("names", "File and folder names and path lengths", check_names),
    ("pdf", "PDFs open and are not encrypted", check_pdfs),
    ("required-items", "Required items of the template and Module 1 are present", check_required_items),
    ("code-lists", "FDA code-list tokens are confirmed", check_code_lists),
]


def run(ctx: Context, checks=CHECKS) -> list[dict]:
    report = []
    for check_id, title, check in checks:
        findings = list(check(ctx))
        if not findings:
            report.append({"check": check_id, "title": title, "status": "pass", "path": "", "message": ""})
        report.extend(
            {"check": check_id, "title": title, "status": f.status, "path": f.path, "message": f.message}
            for f in findings
        )
    return report
