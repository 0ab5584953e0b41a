"""The ``berdikari`` command: a thin shell over library functions.

Every command calls one function of the package and formats its result; nothing here holds logic a
test could not reach by calling that function. Exit codes: 0 ok, 1 invalid data, 2 bad usage/input.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from berdikari import checklists as cl
from berdikari import scoring, vocab

app = typer.Typer(
    no_args_is_help=True, help="Berdikari: BPOM standards, self-assessment, mentoring."
)
checklists_app = typer.Typer(no_args_is_help=True, help="Validate, list and show checklists.")
app.add_typer(checklists_app, name="checklists")

Format = Annotated[str, typer.Option("--format", help="text or json")]
Lang = Annotated[str, typer.Option("--lang", help="id (Indonesian) or en (English)")]


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@app.callback()
def _settings_ok() -> None:
    # Before every command: a BERDIKARI_* variable that cannot be used stops here, named, with
    # exit code 2 and no traceback (berdikari.config.ConfigError).
    from berdikari.config import ConfigError, settings

    try:
        settings()
    except ConfigError as exc:
        _fail(f"berdikari: {exc}", 2)


def _check_choice(value: str, choices: tuple[str, ...], option: str) -> None:
    if value not in choices:
        _fail(f"{option} must be one of {', '.join(choices)}; got {value!r}")


@checklists_app.command("validate")
def checklists_validate(
    directory: Annotated[Path | None, typer.Argument(help="Folder of checklist YAML files")] = None,
    guides: Annotated[Path | None, typer.Option(help="Guides folder the links point into")] = None,
) -> None:
    """Validate every checklist file; print each problem as file:line: item: message."""
    problems = cl.validate_dir(directory, guides)
    for p in problems:
        typer.echo(str(p), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) found", err=True)
        raise typer.Exit(1)
    n = len(cl.checklist_files(directory))
    for w in cl.stale_warnings(directory, guides_dir=guides):  # a warning, not a failure
        typer.echo(f"warning: {w}", err=True)
    typer.echo(f"{n} checklist file(s) valid")


def _load_all_or_fail() -> dict[str, cl.Checklist]:
    try:
        found = cl.load_all()
    except cl.ChecklistError as exc:
        _fail(str(exc), 1)
        raise  # unreachable
    if not found:
        where = cl.settings().checklists_dir
        _fail(f"{where}: no checklist files (*.yaml) found (BERDIKARI_CHECKLISTS_DIR)", 1)
    return found


@checklists_app.command("list")
def checklists_list(fmt: Format = "text", lang: Lang = "id") -> None:
    """List the checklists with their version and item count."""
    _check_choice(fmt, ("text", "json"), "--format")
    rows = [
        {
            "id": c.id,
            "version": c.version,
            "title": c.title.get(lang),
            "items": len(c.items),
            "categories": list(c.applies_to.categories),
            "routes": list(c.applies_to.routes),
            "rule": c.scoring.rule,
        }
        for c in _load_all_or_fail().values()
    ]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        typer.echo(f"{r['id']}@{r['version']}  {r['items']:>3} items  {r['title']}")


@checklists_app.command("show")
def checklists_show(checklist_id: str, fmt: Format = "text", lang: Lang = "id") -> None:
    """Show one checklist: its sections and items with IDs, criticality and citations."""
    _check_choice(fmt, ("text", "json"), "--format")
    try:
        c = _load_all_or_fail()[checklist_id]
    except KeyError:
        _fail(f"unknown checklist {checklist_id!r}; try 'berdikari checklists list'")
        return
    if fmt == "json":
        typer.echo(json.dumps(c.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    typer.echo(f"{c.title.get(lang)} ({c.ref})")
    for s in c.sections:
        typer.echo(f"\n{s.id}. {s.title.get(lang)}")
        for i in s.items:
            reg = c.regulation(i.cites.regulation)
            crit = f" [{i.criticality}]" if i.criticality else ""
            typer.echo(f"  {i.id}{crit} {i.requirement.get(lang)}")
            typer.echo(f"      {reg.short}, {i.cites.clause}")


ANSWERS_FILE_MAX = 5 * 1024 * 1024
"""An answers file is a few KB; a bigger one is not one."""


def _read_json(path: Path):
    """The JSON in ``path``, or exit 2 with ``file[:line]: what is wrong`` (never a traceback:
    a missing file, a folder, a file too big, not UTF-8, not JSON, nested too deeply)."""
    try:
        if path.stat().st_size > ANSWERS_FILE_MAX:
            _fail(f"{path}: larger than {ANSWERS_FILE_MAX // 1048576} MB; not an answers file")
        raw = path.read_bytes()
    except FileNotFoundError:
        _fail(f"{path}: file not found")
    except OSError as exc:
        _fail(f"{path}: cannot be read ({exc.strerror or exc})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        _fail(f"{path}:{line}: not UTF-8 text; expected a JSON file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})")
    except RecursionError:
        _fail(f'{path}: nested too deeply; expected {{"answers": {{"ITEM-ID": "yes", ...}}}}')


@app.command("score")
def score_cmd(
    checklist_id: str,
    answers_file: Annotated[
        Path, typer.Argument(help='JSON: {"answers": {"ITEM-ID": "yes", ...}}')
    ],
    fmt: Format = "text",
    lang: Lang = "id",
) -> None:
    """Score a file of answers against a checklist."""
    from berdikari import report_text

    _check_choice(fmt, ("text", "json"), "--format")
    _check_choice(lang, ("id", "en"), "--lang")
    checklists = _load_all_or_fail()
    if checklist_id not in checklists:
        _fail(f"unknown checklist {checklist_id!r}; known: {', '.join(sorted(checklists))}")
    data = _read_json(answers_file)
    answers = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(answers, dict):
        _fail(f'{answers_file}: expected an object {{"answers": {{"ITEM-ID": "yes", ...}}}}')
    try:
        result = scoring.score(checklists[checklist_id], answers)
    except scoring.AnswerError as exc:
        _fail("\n".join(f"{answers_file}: {p}" for p in exc.problems))
        return
    if fmt == "json":
        typer.echo(json.dumps(report_text.result_json(result), ensure_ascii=False, indent=2))
    else:
        typer.echo(report_text.result_text(checklists[checklist_id], result, lang))


# --- serve: the site and the apps on one port -----------------------------------------------------

Host = Annotated[str, typer.Option("--host", help="Address to listen on")]
Port = Annotated[int, typer.Option("--port", help="Port to listen on")]
DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default BERDIKARI_DATABASE_URL or data/"),
]


def _serve_options(
    host: str, port: int, database_url: str | None, no_preheat: bool, site_dir, **load
):
    from berdikari.web.server import ServeOptions

    options = ServeOptions(
        host=host,
        port=port,
        database_url=database_url,
        preheat=not no_preheat,
        site_dir=site_dir,
        build_site=site_dir is None,
    )
    # Load limits (the "room full of owners" issue); None keeps the ServeOptions default.
    if load.get("pool_size") is not None:
        options.default_pool_size = load.pop("pool_size")  # every app served (the staff apps)
    for name, value in load.items():
        if value is not None:
            setattr(options, name, value)
    return options


@app.command("serve")
def serve_cmd(
    host: Host = "127.0.0.1",
    port: Port = 8866,
    database_url: DatabaseUrl = None,
    no_preheat: Annotated[
        bool, typer.Option("--no-preheat", help="Start a kernel per visit (benchmarks only)")
    ] = False,
    site_dir: Annotated[
        Path | None, typer.Option("--site-dir", help="Serve this built site instead of building")
    ] = None,
    max_kernels: Annotated[
        int | None,
        typer.Option(
            "--max-kernels",
            envvar="BERDIKARI_MAX_KERNELS",
            min=1,
            help="Most app kernels alive at once (default: from memory, see --kernel-mb)",
        ),
    ] = None,
    kernel_mb: Annotated[
        int | None,
        typer.Option(
            "--kernel-mb",
            envvar="BERDIKARI_KERNEL_MB",
            min=1,
            help="Planned memory of one kernel, MB, for the budget (default 100)",
        ),
    ] = None,
    memory_share: Annotated[
        float | None,
        typer.Option(
            "--memory-share",
            envvar="BERDIKARI_MEMORY_SHARE",
            min=0.01,
            max=1.0,
            help="Share of the RAM the kernels may take (default 0.5)",
        ),
    ] = None,
    kernel_memory_mb: Annotated[
        int | None,
        typer.Option(
            "--kernel-memory-mb",
            envvar="BERDIKARI_KERNEL_MEMORY_MB",
            min=64,
            help="Memory ceiling of one kernel, MB; over it the kernel is ended (default 512)",
        ),
    ] = None,
    kernels_per_client: Annotated[
        int | None,
        typer.Option(
            "--kernels-per-client",
            envvar="BERDIKARI_KERNELS_PER_CLIENT",
            min=1,
            help="Most kernels one client address holds (default 8)",
        ),
    ] = None,
    kernels_per_account: Annotated[
        int | None,
        typer.Option(
            "--kernels-per-account",
            envvar="BERDIKARI_KERNELS_PER_ACCOUNT",
            min=1,
            help="Most kernels one staff account holds (default 3)",
        ),
    ] = None,
    starts_per_client_minute: Annotated[
        int | None,
        typer.Option(
            "--starts-per-client-minute",
            envvar="BERDIKARI_STARTS_PER_CLIENT_MINUTE",
            min=1,
            help="New kernels one client address gets a minute (default 30)",
        ),
    ] = None,
    idle_seconds: Annotated[
        int | None,
        typer.Option(
            "--idle-seconds",
            envvar="BERDIKARI_IDLE_SECONDS",
            min=10,
            help="End a kernel whose page nobody touched for this long (default 900)",
        ),
    ] = None,
    disconnect_grace_seconds: Annotated[
        int | None,
        typer.Option(
            "--disconnect-grace-seconds",
            envvar="BERDIKARI_DISCONNECT_GRACE_SECONDS",
            min=0,
            help="Keep a kernel whose page lost its connection this long (default 600)",
        ),
    ] = None,
    pressure_grace_seconds: Annotated[
        int | None,
        typer.Option(
            "--pressure-grace-seconds",
            envvar="BERDIKARI_PRESSURE_GRACE_SECONDS",
            min=0,
            help="When the budget is full, keep a disconnected kernel this long (default 60)",
        ),
    ] = None,
    max_message_kb: Annotated[
        int | None,
        typer.Option(
            "--max-message-kb",
            envvar="BERDIKARI_MAX_MESSAGE_KB",
            min=16,
            help="Largest widget message from a page, KB (default 256)",
        ),
    ] = None,
    max_upload_mb: Annotated[
        int | None,
        typer.Option(
            "--max-upload-mb",
            envvar="BERDIKARI_MAX_UPLOAD_MB",
            min=1,
            help="Largest file upload message (all files at once), MB (default 12)",
        ),
    ] = None,
    pool_size: Annotated[
        int | None,
        typer.Option("--pool-size", help="Preheated kernels kept for each app (default 1)"),
    ] = None,
    cull_idle_seconds: Annotated[
        int | None,
        typer.Option("--cull-idle-seconds", help="Shut a kernel no page uses after (default 40)"),
    ] = None,
    cull_interval_seconds: Annotated[
        int | None,
        typer.Option("--cull-interval-seconds", help="Look for such kernels every (default 10)"),
    ] = None,
    stock_kernels: Annotated[
        bool,
        typer.Option("--stock-kernels", help="Stock ipykernel with debugger (benchmarks only)"),
    ] = False,
) -> None:
    """Serve the guide site at / and the apps at /voila/render/<app>.ipynb on one port."""
    from berdikari.web.server import serve

    serve(
        _serve_options(
            host,
            port,
            database_url,
            no_preheat,
            site_dir,
            max_kernels=max_kernels,
            kernel_mb=kernel_mb,
            memory_share=memory_share,
            kernel_memory_mb=kernel_memory_mb,
            kernels_per_client=kernels_per_client,
            kernels_per_account=kernels_per_account,
            starts_per_client_minute=starts_per_client_minute,
            idle_seconds=idle_seconds,
            disconnect_grace_seconds=disconnect_grace_seconds,
            pressure_grace_seconds=pressure_grace_seconds,
            max_message_kb=max_message_kb,
            max_upload_mb=max_upload_mb,
            pool_size=pool_size,
            cull_idle_seconds=cull_idle_seconds,
            cull_interval_seconds=cull_interval_seconds,
            lean_kernels=False if stock_kernels else None,
        )
    )


@app.command("demo-run")
def demo_run_cmd(
    host: Host = "127.0.0.1", port: Port = 8866, database_url: DatabaseUrl = None
) -> None:
    """Upgrade the database, fill it with demo data if it is empty, then serve (make run)."""
    from berdikari.web.server import prepare_demo_database, serve

    prepare_demo_database(database_url, echo=typer.echo)
    serve(_serve_options(host, port, database_url, False, None))


# --- site: build the guide site, or the offline archive --------------------------------------------

site_app = typer.Typer(no_args_is_help=True, help="Build the guide site (MkDocs).")
app.add_typer(site_app, name="site")


@site_app.command("build")
def site_build_cmd(
    offline: Annotated[
        bool, typer.Option("--offline", help="Zip a site that works from file:// (needs npm)")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Site folder (default build/site), or the zip's folder"),
    ] = None,
) -> None:
    """Build the site with --strict; with --offline, write berdikari-offline.zip."""
    from berdikari import site

    try:
        if offline:
            path = site.build_offline_archive(out or site.settings().root / "build")
        else:
            path = site.build(out or site.settings().root / "build" / "site")
    except site.SiteBuildError as exc:
        _fail(str(exc), 1)
        return
    except OSError as exc:
        _fail(f"{exc.filename or out}: cannot write the site ({exc.strerror or exc})", 2)
        return
    typer.echo(str(path))


# --- store: database, accounts, backup, demo --------------------------------------------------

db_app = typer.Typer(no_args_is_help=True, help="Create or migrate the database schema.")
app.add_typer(db_app, name="db")
user_app = typer.Typer(no_args_is_help=True, help="Staff accounts (facilitators, managers).")
app.add_typer(user_app, name="user")
umkm_app = typer.Typer(no_args_is_help=True, help="Enrol UMKM in the programme.")
app.add_typer(umkm_app, name="umkm")
standing_app = typer.Typer(no_args_is_help=True, help="The kept standing of every UMKM.")
app.add_typer(standing_app, name="standing")

StoreUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default BERDIKARI_DATABASE_URL or data/"),
]


def _database(database_url: str | None) -> tuple[str, str]:
    """``(url, where it came from)``: ``--database-url`` (checked as BERDIKARI_DATABASE_URL
    is) or the setting; a URL that cannot be one stops here with exit 2."""
    import os

    from berdikari.config import ConfigError, check_database_url, settings

    if database_url is None:
        where = "BERDIKARI_DATABASE_URL" if os.environ.get("BERDIKARI_DATABASE_URL") else None
        return settings().database_url, where or "the default SQLite file"
    try:
        return check_database_url(database_url, "--database-url"), "--database-url"
    except ConfigError as exc:
        _fail(f"berdikari: {exc}")
        raise  # unreachable


def _shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001  not even a URL: show its scheme only
        return url.split("://", 1)[0] + "://…"


@contextmanager
def _database_errors(url: str, where: str):
    """A database that cannot be opened, reached or migrated: one line naming where the URL
    came from and why (the driver's first line), exit 2, no traceback."""
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except CommandError as exc:  # alembic: an unknown revision and the like
        _fail(f"berdikari: {exc}", 2)
    except (SQLAlchemyError, OSError) as exc:
        orig = getattr(exc, "orig", None) or exc
        reason = (str(orig).strip().splitlines() or [type(orig).__name__])[0][:300]
        _fail(f"berdikari: cannot use the database {_shown_url(url)} ({where}): {reason}", 2)


def _admin(database_url: str | None):
    """The store and a Service acting as the administrator at the command line."""
    from berdikari.store import open_store
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    url, where = _database(database_url)
    with _database_errors(url, where):
        store = open_store(url)
    return store, Service(store, system_identity())


def _store_call(fn, *args, **kwargs):
    """Run a store function; turn its errors into a message and exit code 2 (input) or 1."""
    from berdikari.store.errors import InvalidInput, NotFound, StoreError

    try:
        return fn(*args, **kwargs)
    except (InvalidInput, NotFound) as exc:
        _fail(exc.message, 2)
    except StoreError as exc:
        _fail(exc.message, 1)


def _migrate(database_url: str | None, move, done: str) -> None:
    """Open the database, run ``move(engine)`` (upgrade or downgrade) and say the revision reached."""
    from berdikari.store import db

    url, where = _database(database_url)
    with _database_errors(url, where):
        engine = db.make_engine(db.normalise_url(url))
        try:
            move(engine)
            typer.echo(f"database at revision {db.current_revision(engine) or done}")
        finally:
            engine.dispose()


@db_app.command("upgrade")
def db_upgrade_cmd(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
    database_url: StoreUrl = None,
) -> None:
    """Create the database if needed and migrate it up (default: to the latest revision)."""
    from berdikari.store import db

    _migrate(database_url, lambda engine: db.upgrade(engine, revision), "base (empty)")


@db_app.command("downgrade")
def db_downgrade_cmd(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. 0001, -1 or base")],
    database_url: StoreUrl = None,
) -> None:
    """Migrate the database down to REVISION ('base' drops every table: back up first)."""
    from berdikari.store import db

    _migrate(database_url, lambda engine: db.downgrade(engine, revision), "base (empty)")


@user_app.command("add")
def user_add_cmd(
    username: Annotated[
        str, typer.Argument(help="Sign-in name: lower-case letters, digits, . _ -")
    ],
    role: Annotated[str, typer.Option("--role", help=vocab.listed(vocab.STAFF_ROLES))],
    name: Annotated[str, typer.Option("--name", help="Full name as shown in the apps")],
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="Organisation name (created if new)")
    ] = None,
    organisation_kind: Annotated[
        str,
        typer.Option(
            "--organisation-kind",
            help=vocab.OrganisationKind.listed(),
        ),
    ] = "bbpom",
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
    database_url: StoreUrl = None,
) -> None:
    """Add a facilitator or manager account. The password is asked for (hidden) or read from
    stdin; it is never echoed or logged."""
    import sys

    _check_choice(role, vocab.STAFF_ROLES, "--role")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    store, svc = _admin(database_url)
    try:
        org = (organisation, organisation_kind) if organisation else None
        view = _store_call(  # one transaction: a refused account adds no organisation
            svc.add_staff,
            username,
            name,
            role,
            password,
            phone=phone,
            email=email,
            organisation=org,
        )
        typer.echo(f"added {view.role} {view.username} ({view.name}), account id {view.id}")
    finally:
        store.close()


@umkm_app.command("add")
def umkm_add_cmd(
    name: Annotated[str, typer.Option("--name", help="Business name")],
    owner: Annotated[str, typer.Option("--owner", help="Owner's name")],
    regency: Annotated[
        str, typer.Option("--regency", help="Kabupaten/kota name or code, e.g. Kapuas or PKY")
    ],
    category: Annotated[
        list[str],
        typer.Option(
            "--category",
            help=f"{vocab.ProductCategory.listed()} (repeatable)",
        ),
    ],
    size: Annotated[str, typer.Option("--size", help=vocab.Size.listed())] = "mikro",
    phone: Annotated[str | None, typer.Option("--phone", help="Owner's phone")] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    nib: Annotated[str | None, typer.Option("--nib", help="Nomor Induk Berusaha, if any")] = None,
    database_url: StoreUrl = None,
) -> None:
    """Enrol a UMKM; prints its code and the owner's PIN (shown this once only)."""
    store, svc = _admin(database_url)
    try:
        view, pin = _store_call(
            svc.add_umkm, name, owner, regency, category, size, phone, address, nib
        )
        typer.echo(f"UMKM code: {view.code}")
        typer.echo(f"PIN: {pin}   (give it to the owner; it is not shown again)")
    finally:
        store.close()


@umkm_app.command("reset-pin")
def umkm_reset_pin_cmd(
    code: Annotated[str, typer.Argument(help="UMKM code, e.g. PKY-0001")],
    database_url: StoreUrl = None,
) -> None:
    """Give the owner a new PIN (forgotten, or locked after wrong tries); prints it this once.
    The old PIN and every phone that stays signed in stop working; a lockout ends."""
    store, svc = _admin(database_url)
    try:
        umkm_id = _store_call(svc.umkm_id_for_code, code)
        pin = _store_call(svc.reset_owner_pin, umkm_id)
        typer.echo(f"UMKM code: {code.strip().upper()}")
        typer.echo(f"New PIN: {pin}   (give it to the owner; it is not shown again)")
        typer.echo("The old PIN and any phone that stays signed in no longer work.")
    finally:
        store.close()


@app.command("assign")
def assign_cmd(
    umkm: Annotated[str, typer.Argument(help="UMKM code, e.g. PKY-0001")],
    facilitator: Annotated[str, typer.Argument(help="Facilitator's username")],
    database_url: StoreUrl = None,
) -> None:
    """Make FACILITATOR the one active facilitator of UMKM (the previous one loses access)."""
    store, svc = _admin(database_url)
    try:
        umkm_id = _store_call(svc.umkm_id_for_code, umkm)
        fac_id = _store_call(svc.staff_id_for_username, facilitator)
        a = _store_call(svc.assign, umkm_id, fac_id)
        typer.echo(f"{umkm.upper()} is now assigned to {a.facilitator}")
    finally:
        store.close()


@app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="Backup file to write (JSON lines)")],
    database_url: StoreUrl = None,
) -> None:
    """Write every row of every table to FILE (restorable into SQLite or PostgreSQL)."""
    from berdikari.store import backup

    store, _svc = _admin(database_url)
    try:
        counts = _store_call(backup.backup_to_file, store, file)
    finally:
        store.close()
    typer.echo(f"{sum(counts.values())} rows in {len(counts)} tables written to {file}")


@app.command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="Backup file written by 'berdikari backup'")],
    database_url: StoreUrl = None,
) -> None:
    """Restore FILE into an empty database (created and migrated if needed). All or nothing."""
    from berdikari.store import backup

    store, _svc = _admin(database_url)
    try:
        counts = _store_call(backup.restore_from_file, store, file)
    finally:
        store.close()
    typer.echo(f"{sum(counts.values())} rows in {len(counts)} tables restored from {file}")


EXPORT_SUFFIX = {"xlsx": ".xlsx", "csv": ".zip"}


@app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(help="File to write: FILE.xlsx, or FILE.zip for CSV")],
    lang: Lang = "id",
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="xlsx (one workbook) or csv (a .zip of CSV files)"),
    ] = None,
    database_url: StoreUrl = None,
) -> None:
    """Write the whole programme (everything a manager may see) to FILE in Indonesian (or
    English with --lang en): a workbook, or with --format csv a ZIP of one CSV per table.
    Built in bounded memory; the file appears only when complete (for a nightly job)."""
    from berdikari import reports

    _check_choice(lang, ("id", "en"), "--lang")
    if fmt is None:
        fmt = "csv" if file.suffix.lower() == ".zip" else "xlsx"
    _check_choice(fmt, reports.FORMATS, "--format")
    if file.suffix.lower() != EXPORT_SUFFIX[fmt]:
        _fail(f"berdikari: {file}: a {fmt} export is written to a {EXPORT_SUFFIX[fmt]} file")
    if not file.parent.is_dir():
        _fail(f"berdikari: {file}: the folder {file.parent} does not exist")
    if file.is_dir():
        _fail(f"berdikari: {file} is a folder; give a file name")
    store, svc = _admin(database_url)
    try:
        counts = _store_call(reports.write_programme_workbook, svc, file, lang, fmt=fmt)
    except OSError as exc:
        _fail(f"berdikari: cannot write {file}: {exc.strerror or exc}")
    finally:
        store.close()
    detail = ", ".join(f"{n} {name}" for name, n in counts.items())
    typer.echo(f"Programme written to {file} ({detail})")


@standing_app.command("rebuild")
def standing_rebuild_cmd(database_url: StoreUrl = None) -> None:
    """Recompute every UMKM's standing from its assessments, visits, actions and milestones
    (after a restore of an older backup, or a change made outside the service)."""
    from berdikari.store import standing

    store, _svc = _admin(database_url)
    try:
        with _database_errors(store.url, "the database"):
            n = _store_call(standing.rebuild, store)
    finally:
        store.close()
    typer.echo(f"standing rebuilt for {n} UMKM")


@app.command("demo")
def demo_cmd(
    reset: Annotated[
        bool, typer.Option("--reset", help="Wipe every table first (the demo needs an empty one)")
    ] = False,
    database_url: StoreUrl = None,
) -> None:
    """Fill the database with the fictional demo programme and print the demo sign-ins."""
    from berdikari.store import demo

    store, _svc = _admin(database_url)
    try:
        summary = _store_call(demo.fill, store, reset=reset)
    finally:
        store.close()
    c = summary.counts
    typer.echo(
        f"Demo loaded in {summary.seconds:.1f} s: {c['umkm']} UMKM, {c['account']} staff, "
        f"{c['assessment']} assessments ({c['answer']} answers), {c['visit']} visits, "
        f"{c['action_item']} actions, {c['milestone']} milestones."
    )
    typer.echo("")
    typer.echo(demo.sign_ins_text(summary.sign_ins))


def main() -> None:  # pragma: no cover
    app()
