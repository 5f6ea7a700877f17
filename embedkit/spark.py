"""Spark, started one way for every job of embedkit: the session, the master URL, progress lines, errors.

The Spark engine (`train --engine spark`), `prepare --spark-master` and the compare grid on
Spark all get their `SparkSession` from `session(master)`:

* a session already active in this process is reused (a notebook's, a test's, the one
  `spark-submit` started), provided it runs on the master asked for;
* otherwise the master URL is checked first (its form, and for ``spark://`` that the master
  answers), then the Java runtime Spark needs, so a bad URL or a missing Java costs one line and
  no wait; the JVM then starts with its log on a filter (`_Forward`) that drops Spark's start-up
  chatter and passes everything else on, and at most `LOG_LEVEL` messages from Spark's log.
* ``local[N]`` masters run Spark inside this process's machine: the driver is bound to
  127.0.0.1, the web UI is off, shuffles use N partitions, the Python workers run this
  interpreter and import this embedkit, and a failed task is tried `TASK_ATTEMPTS` times (Spark's
  default on a cluster; ``local[N]`` alone never retries). On a cluster, embedkit is shipped to the
  executors as a zip of its sources (`_ship`); they need Python with numpy (and torch for the
  compare grid).

`StageLines` prints a line as each stage of embedkit's Spark jobs ends, so a long job is never
silent; `spark_errors` turns what Spark raises into one-line `EmbedkitError`s. pyspark is imported
inside functions only: `import embedkit` never needs it.

Example:
    >>> spark = session("local[2]")              # doctest: +SKIP
    >>> with StageLines(spark.sparkContext, print, "counting words"):   # doctest: +SKIP
    ...     spark.sparkContext.parallelize(range(10)).sum()
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Callable

from .errors import EmbedkitError

TASK_ATTEMPTS = 4          # tries of a task before its job fails (spark.task.maxFailures' default)
LOG_LEVEL = "fatal"        # what of Spark's own log reaches stderr: embedkit reports errors itself
CONNECT_SECONDS = 3.0      # to reach a spark:// master before saying it cannot be reached
INSTALL = "pip install pyspark  (or, in a checkout of embedkit: pip install -e '.[spark]')"
JAVA_HINT = ("install a Java runtime, 17 or later (Debian/Ubuntu: apt-get install openjdk-17-jre-headless), "
             "or set JAVA_HOME to one")

_LOCAL = re.compile(r"local(?:\[(\*|[1-9]\d*)(?:\s*,\s*([1-9]\d*))?\])?")
_LOCAL_CLUSTER = re.compile(r"local-cluster\[\s*[1-9]\d*\s*,\s*[1-9]\d*\s*,\s*[1-9]\d*\s*\]")
_STANDALONE = re.compile(r"spark://([^,/:\s]+(?::\d+)?)(,[^,/:\s]+(?::\d+)?)*")
_K8S = re.compile(r"k8s://(https?://)?[^\s/]+.*")
_SHIPPED = set()           # ids of the SparkContexts embedkit's sources were sent to
_NOISE = ("WARNING: Using incubator modules", "Setting default log level", "To adjust logging level",
          "netlib-blas", "Using Spark's default log4j profile")
_LOG4J = f"""rootLogger.level = {LOG_LEVEL}
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{{1}}: %m%n
"""


def pyspark_module():
    """`pyspark`, imported; or an `EmbedkitError` saying how to install it."""
    try:
        import pyspark
    except ImportError:
        raise EmbedkitError(f"Spark needs pyspark, which is not installed: {INSTALL}") from None
    return pyspark


def check_master(url: str) -> str:
    """Raise `EmbedkitError` unless `url` is a Spark master URL that can be used now; return it stripped.

    Forms: ``local``, ``local[N]``, ``local[*]``, ``local[N,F]`` (F: tries of a task),
    ``local-cluster[W,C,M]``, ``spark://HOST:PORT[,HOST:PORT...]`` (one of them must accept a
    connection within `CONNECT_SECONDS`), ``yarn`` (HADOOP_CONF_DIR or YARN_CONF_DIR set) and
    ``k8s://https://HOST:PORT``.

    Example:
        >>> check_master(" local[2] ")
        'local[2]'
    """
    master = url.strip()
    if _LOCAL.fullmatch(master) or _LOCAL_CLUSTER.fullmatch(master) or _K8S.fullmatch(master):
        return master
    if master == "yarn":
        if not (os.environ.get("HADOOP_CONF_DIR") or os.environ.get("YARN_CONF_DIR")):
            raise EmbedkitError("--spark-master yarn: set HADOOP_CONF_DIR or YARN_CONF_DIR to the folder "
                                "of the cluster's configuration")
        return master
    if _STANDALONE.fullmatch(master):
        reasons = []
        for address in master[len("spark://"):].split(","):
            host, _, port = address.partition(":")
            try:
                socket.create_connection((host, int(port or 7077)), timeout=CONNECT_SECONDS).close()
                return master
            except OSError as error:
                reasons.append(f"{host}:{port or 7077}: {error.strerror or error}")
        raise EmbedkitError(f"--spark-master {master}: no Spark master answers ({'; '.join(reasons)})")
    raise EmbedkitError(f"--spark-master {url!r} is not a Spark master URL: use local[N], "
                        "spark://HOST:PORT, yarn or k8s://https://HOST:PORT")


def is_local(master: str) -> bool:
    return bool(_LOCAL.fullmatch(master))


def with_retries(master: str) -> str:
    """A ``local``/``local[N]`` master with `TASK_ATTEMPTS` tries per task (``local[N,4]``); others as given."""
    match = _LOCAL.fullmatch(master)
    if not match or match.group(2):
        return master
    return f"local[{match.group(1) or 1},{TASK_ATTEMPTS}]"


def find_java() -> str:
    """The `java` Spark will run (``$JAVA_HOME/bin/java``, else the first on PATH); `EmbedkitError` if none."""
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        if not (java.is_file() and os.access(java, os.X_OK)):
            raise EmbedkitError(f"Spark needs Java, and JAVA_HOME={home} holds no bin/java: {JAVA_HINT}")
        return str(java)
    java = shutil.which("java")
    if java is None:
        raise EmbedkitError(f"Spark needs Java, and no java is on PATH (JAVA_HOME is not set): {JAVA_HINT}")
    return java


def submitted() -> bool:
    """Whether this process is a driver `spark-submit` started (its JVM and master are given)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def check_ready(master: str | None) -> None:
    """Raise now what `session(master)` would raise before starting: pyspark missing, a bad master
    URL, no Java. For commands that read their input before they start Spark."""
    pyspark_module()
    from pyspark.sql import SparkSession

    if master is not None:
        check_master(master)
    if SparkSession.getActiveSession() is None and not submitted():
        find_java()


def session(master: str | None = None, *, cores: int | None = None, say: Callable[[str], None] | None = None):
    """The `SparkSession` for embedkit's jobs on `master`, started if none is active.

    Args:
        master: a master URL (`check_master`); None: the one `spark-submit` gave, else
            ``local[cores]``.
        cores: for the default local master, how many cores (default: all).
        say: told in one line when a session is started, and how long that took.

    Returns:
        pyspark.sql.SparkSession

    Raises:
        EmbedkitError: pyspark is not installed, the URL is bad or the master does not answer,
            Java is missing, another master's session is active, or Spark does not start.
    """
    pyspark_module()
    from pyspark.sql import SparkSession

    if master is not None:
        master = with_retries(check_master(master))
    active = SparkSession.getActiveSession()
    if active is not None:
        running = active.sparkContext.master
        if master is not None and with_retries(running) != master:
            raise EmbedkitError(f"a Spark session on {running} is already active in this process; "
                                f"stop it to run on {master}")
        _ship(active.sparkContext)
        return active
    if master is None and not submitted():
        master = with_retries(f"local[{cores or os.cpu_count() or 1}]")
    started = time.perf_counter()
    spark = _start(master)
    if say is not None:
        context = spark.sparkContext
        say(f"spark: started Spark {context.version} on {context.master} in {time.perf_counter() - started:.1f} s")
    return spark


def _start(master: str | None):
    """Start the JVM and a session on `master` (None: spark-submit's), settings as the module says."""
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    under_submit = submitted()
    if not under_submit:
        find_java()
    conf = SparkConf(loadDefaults=False).setAppName("embedkit")
    conf.set("spark.ui.showConsoleProgress", "false")
    local = master is not None and is_local(master)
    saved = {name: os.environ.get(name) for name in ("SPARK_LOCAL_IP", "PYTHONPATH", "PYSPARK_PYTHON")}
    if master is not None:
        conf.setMaster(master)
    if local:
        cores = _LOCAL.fullmatch(master).group(1) or "1"
        cores = str(os.cpu_count() or 1) if cores == "*" else cores
        conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
        conf.set("spark.ui.enabled", "false").set("spark.sql.shuffle.partitions", cores)
        conf.set("spark.default.parallelism", cores).set("spark.driver.memory", "2g")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers run this interpreter
        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
        here = str(Path(__file__).resolve().parents[1])  # so the Python workers import this embedkit
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, saved.get("PYTHONPATH")) if p)
    forward = None
    try:
        if under_submit:
            gateway = None
        else:
            log4j = Path(tempfile.gettempdir()) / "embedkit-spark-log4j2.properties"
            if not log4j.exists():
                with contextlib.suppress(OSError):
                    log4j.write_text(_LOG4J, encoding="utf-8")
            if log4j.exists():
                conf.set("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log4j}")
            try:
                gateway = launch_gateway(conf, popen_kwargs={"stderr": subprocess.PIPE})
            except Exception as error:  # noqa: BLE001  the JVM did not start: say why, in one line
                raise EmbedkitError(f"Spark did not start on {master}: {_first_line(error)}") from None
            forward = _Forward(gateway.proc.stderr)
        try:
            context = SparkContext(conf=conf, gateway=gateway)
        except Exception as error:  # noqa: BLE001  a master that refuses, a conf Spark rejects
            reason = forward.last_error() if forward else None
            raise EmbedkitError(f"Spark did not start on {master or 'the spark-submit master'}: "
                                f"{reason or describe(error)}") from None
    finally:
        for name, value in saved.items():  # the JVM has its copy; this process keeps its own
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    context.setLogLevel(LOG_LEVEL.upper())
    _ship(context)
    return SparkSession(context)


class _Forward(threading.Thread):
    """Pass the JVM's stderr on to ours, start-up chatter left out; keep the last lines for errors."""

    def __init__(self, stream):
        super().__init__(name="embedkit-spark-stderr", daemon=True)
        self.stream = stream
        self.lines: list[str] = []
        self.start()

    def run(self) -> None:
        for raw in iter(self.stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines = (self.lines + [line])[-20:]
            if line and not line.startswith(_NOISE):
                with contextlib.suppress(Exception):  # a closed or replaced stderr: nothing to do
                    print(line, file=sys.stderr, flush=True)

    def last_error(self) -> str | None:
        meaningful = [line for line in self.lines if line.strip() and not line.startswith(_NOISE)]
        return meaningful[-1].strip() if meaningful else None


def _ship(context) -> None:
    """On a cluster master, send embedkit's sources to the executors once per SparkContext."""
    if id(context) in _SHIPPED or is_local(context.master):
        return
    package = Path(__file__).resolve().parent
    archive = Path(tempfile.mkdtemp(prefix="embedkit-spark-")) / "embedkit.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                out.write(path, Path("embedkit") / path.relative_to(package))
    context.addPyFile(str(archive))
    _SHIPPED.add(id(context))


# -- progress --------------------------------------------------------------------------------------


class StageLines:
    """A line for every stage of the Spark jobs run inside the block, as it ends.

    The block's jobs run in job group `group`; a thread polls Spark's status tracker every
    `poll` seconds and says, for each stage that ends, "spark: PHASE: stage N (NAME): T tasks,
    S s"; a stage still running after `every` seconds says how many of its tasks are done, each
    `every` seconds; failed task attempts (Spark retries them) are said as they happen.
    `on_stage(name, seconds)` may return a label that replaces the stage's name (MLlib's
    iterations). Ctrl-C in the block cancels its jobs.

    Example:
        >>> with StageLines(sc, print, "counting words") as lines:   # doctest: +SKIP
        ...     rdd.count()
        ...     lines.phase = "encoding"
    """

    def __init__(self, context, say: Callable[[str], None], phase: str, *, group: str | None = None,
                 on_stage: Callable[[str, float], str | None] | None = None, poll: float = 0.25,
                 every: float = 60.0):
        self.context, self.say, self.phase = context, say, phase
        self.group = group or f"embedkit-{os.getpid()}-{id(self)}"
        self.on_stage, self.poll, self.every = on_stage, poll, every
        self._seen: dict[int, list] = {}     # stage id -> [first seen, last said, failed tasks]
        self._done: set[int] = set()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="embedkit-spark-progress", daemon=True)

    def __enter__(self):
        self.context.setJobGroup(self.group, f"embedkit: {self.phase}", interruptOnCancel=True)
        self._thread.start()
        return self

    def __exit__(self, kind, error, trace):
        self._stop.set()
        self._thread.join()
        if kind is KeyboardInterrupt:
            with contextlib.suppress(Exception):
                self.context.cancelJobGroup(self.group)
        with contextlib.suppress(Exception):
            self._check()
        self.context.setLocalProperty("spark.jobGroup.id", None)
        self.context.setLocalProperty("spark.job.description", None)
        return False

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            with contextlib.suppress(Exception):  # the JVM going away at exit
                self._check()

    def _check(self) -> None:
        with self._lock:
            tracker = self.context.statusTracker()
            active = set(tracker.getActiveStageIds())
            now = time.perf_counter()
            stages = sorted({stage for job in tracker.getJobIdsForGroup(self.group)
                             for stage in getattr(tracker.getJobInfo(job), "stageIds", ())} - self._done)
            for stage_id in stages:
                stage = tracker.getStageInfo(stage_id)
                if stage is None:
                    continue
                seen = self._seen.setdefault(stage_id, [now, now, 0])
                if stage.numFailedTasks > seen[2]:
                    self.say(f"spark: {self.phase}: stage {stage_id}: {stage.numFailedTasks} failed task "
                             f"attempt(s) so far; Spark tries each task up to {TASK_ATTEMPTS} times")
                    seen[2] = stage.numFailedTasks
                if stage_id in active:
                    if now - seen[1] >= self.every:
                        seen[1] = now
                        self.say(f"spark: {self.phase}: stage {stage_id} ({_short(stage.name)}) running, "
                                 f"{stage.numCompletedTasks}/{stage.numTasks} tasks done, {now - seen[0]:.0f} s")
                elif stage.numTasks and stage.numCompletedTasks >= stage.numTasks:
                    self._done.add(stage_id)
                    seconds = now - seen[0]
                    label = self.on_stage(stage.name, seconds) if self.on_stage else None
                    self.say(f"spark: {self.phase}: stage {stage_id} ({label or _short(stage.name)}): "
                             f"{stage.numTasks} task{'s' if stage.numTasks > 1 else ''}, {seconds:.1f} s")


def _short(name: str) -> str:
    """'collect at /long/path/spark_corpus.py:120' -> 'collect at spark_corpus.py:120'."""
    what, _, where = name.partition(" at ")
    return f"{what} at {os.path.basename(where)}" if where else what


# -- errors ----------------------------------------------------------------------------------------

_PYTHON_ERROR = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupted)): (.+)$")
_MISSING = re.compile(r"(?:Input path does not exist|Path does not exist): (\S+)")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def describe(error: BaseException) -> str:
    """One line for what Spark raised: the Python error of a failed task, a missing input path,
    or the first line of the Java exception."""
    text = str(getattr(error, "java_exception", None) or "") + "\n" + str(error)
    missing = _MISSING.search(text)
    if missing:
        return f"{missing.group(1)}: no such file or folder (Spark: input path does not exist)"
    python = [m for m in map(_PYTHON_ERROR.match, text.splitlines())
              if m and not m.group(1).startswith(("org.", "java.", "scala.", "py4j."))]
    if "Traceback (most recent call last)" in text and python:
        kind, message = python[-1].groups()
        name = kind.rsplit(".", 1)[-1]
        return message if name in ("EmbedkitError", "FormatError", "UnknownWordError") else f"{name}: {message}"
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("\tat ")]
    first = next((line for line in lines if not line.startswith(("An error occurred while calling", ": "))), None)
    first = first or (lines[0].lstrip(": ") if lines else type(error).__name__)
    return re.sub(r"^(?:[a-z]+\.)+(\w+): ", r"\1: ", first)


def is_spark_error(error: BaseException) -> bool:
    """Whether `error` was raised by Spark or py4j (not by embedkit's own code in the driver)."""
    module = type(error).__module__ or ""
    return module.startswith(("py4j", "pyspark"))


@contextlib.contextmanager
def spark_errors(what: str = ""):
    """Turn what Spark raises in the block into one `EmbedkitError` line (`what`: the job's name)."""
    try:
        yield
    except EmbedkitError:
        raise
    except Exception as error:
        if not is_spark_error(error):
            raise
        raise EmbedkitError(f"{what + ': ' if what else ''}{describe(error)}") from None
