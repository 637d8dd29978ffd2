"""deploy/k8s, the compose topology on Kubernetes: rendered by kustomize (kubectl's), every
object checked offline against the Kubernetes schemas (kubernetes-validate, strict, so a
misspelt field fails too), and the points that keep it as safe as compose."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import kubernetes_validate
import pytest
import yaml

from bot.db.provision import LEADS, TRACKER
from bot.production_local import RASA_POOL
from bot.settings import ROOT
from tests.utils.ci import require
from tests.utils.haproxy import haproxy_check

# The newest schemas kubernetes-validate bundles while it still runs on jsonschema 3.2 (the
# version the project pins for Rasa's speed: docs/architecture.md).
KUBERNETES = "1.28"
K8S = ROOT / "deploy" / "k8s"
KUSTOMIZATION = yaml.safe_load((K8S / "kustomization.yaml").read_text())
EXAMPLE_SECRET = yaml.safe_load((K8S / "secret.example.yaml").read_text())
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APPS = ("migrate", "rasa", "actions", "web", "retention")
LEADS_URL = f"postgresql+psycopg2://{LEADS.role}:$(LEADS_DB_PASSWORD)@postgres:5432/{LEADS.name}"


@pytest.fixture(scope="module")
def objects() -> List[Dict[str, Any]]:
    require(shutil.which("kubectl") is not None, "kubectl is not installed (it has kustomize)")
    out = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], check=True, capture_output=True, text=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def of_kind(objects: List[Dict[str, Any]], kind: str) -> Dict[str, Dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pods(objects: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """Workload name -> its pod spec."""
    specs = {}
    for o in objects:
        if o["kind"] in ("Deployment", "StatefulSet", "Job"):
            specs[o["metadata"]["name"]] = o["spec"]["template"]["spec"]
        elif o["kind"] == "CronJob":
            specs[o["metadata"]["name"]] = o["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return specs


def containers(pod: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    yield from pod.get("initContainers", [])
    yield from pod["containers"]


def env(container: Dict[str, Any]) -> Dict[str, Any]:
    """Name -> value, or ("secret", key) for a value from a Secret."""
    values = {}
    for item in container.get("env", []):
        secret = item.get("valueFrom", {}).get("secretKeyRef")
        values[item["name"]] = ("secret", secret["key"]) if secret else item["value"]
    return values


def app_containers(objects: List[Dict[str, Any]]) -> Iterator[Tuple[str, Dict[str, Any]]]:
    for name, pod in pods(objects).items():
        if name in APPS:
            for container in containers(pod):
                yield name, container


def test_every_manifest_is_listed_and_no_secret_is_applied(objects):
    listed = set(KUSTOMIZATION["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert present - listed == {"secret.example.yaml"}
    assert listed <= present
    assert not of_kind(objects, "Secret")  # the operator creates them (secret.example.yaml)


def test_every_object_matches_the_kubernetes_schema(objects):
    errors = []
    for o in [*objects, EXAMPLE_SECRET]:
        try:
            kubernetes_validate.validate(o, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(p) for p in error.path)
            errors.append(f"{o['kind']}/{o['metadata']['name']} {path}: {error.message}")
    assert errors == []


def test_the_workloads_run_the_compose_commands_on_the_compose_image(objects):
    workloads = pods(objects)
    assert set(workloads) == {*APPS, "proxy"}
    image = COMPOSE["x-app"]["image"]
    for name in APPS:
        [main] = [c for c in workloads[name]["containers"] if c["name"] == name]
        command = " ".join(main["args"])
        # Compose loops retention itself; here a CronJob runs the same command.
        assert command == SERVICES[name]["command"] or (
            name == "retention" and command in SERVICES[name]["command"]
        ), name
        assert "command" not in main, name  # the image's entrypoint loads bot/process.env
    for name, container in app_containers(objects):
        assert container["image"] == image, (name, container["name"])
    [haproxy] = workloads["proxy"]["containers"]
    assert haproxy["image"] == SERVICES["proxy"]["image"]
    assert "--enable-api" not in workloads["rasa"]["containers"][0]["args"]


def test_rasa_holds_the_conversations_database_only(objects):
    """Each role's password goes only where compose sends it; no pod takes a whole Secret."""
    for name, container in app_containers(objects):
        variables = env(container)
        assert all("secretRef" not in source for source in container.get("envFrom", []))
        if name == "rasa":
            assert {k for k, v in variables.items() if isinstance(v, tuple)} == {
                "SECRET_KEY",
                "ACTION_SERVER_TOKEN",
                "MODEL_SERVER_TOKEN",
                "TRACKER_DB_PASSWORD",
            }
            assert "DATABASE_URL" not in variables
        else:
            assert variables.get("DATABASE_URL") == LEADS_URL, (name, container["name"])
            assert ("TRACKER_DB_PASSWORD" in variables) == (name == "migrate")
        assert ("ADMIN_DATABASE_URL" in variables) == (name == "migrate"), name
    config = of_kind(objects, "ConfigMap")
    [public] = [c for n, c in config.items() if n == "net-config"]
    assert not [k for k in public["data"] if re.search("PASSWORD|SECRET|TOKEN|DATABASE", k)]


def test_the_example_secret_holds_placeholders_for_every_key_used(objects):
    used = {
        value[1]
        for _, container in app_containers(objects)
        for value in env(container).values()
        if isinstance(value, tuple)
    }
    assert used == set(EXAMPLE_SECRET["stringData"])
    for key, value in EXAMPLE_SECRET["stringData"].items():
        assert value == "change-me" or ":change-me@" in value, key


def test_only_the_proxy_is_reachable_from_outside(objects):
    services = of_kind(objects, "Service")
    outside = ("LoadBalancer", "NodePort")
    exposed = {n for n, s in services.items() if s["spec"].get("type") in outside}
    assert exposed == {"proxy"}
    assert [p["port"] for p in services["proxy"]["spec"]["ports"]] == [80, 443]
    assert not of_kind(objects, "Ingress")
    for name, pod in pods(objects).items():
        assert not pod.get("hostNetwork"), name
        assert not [p for c in containers(pod) for p in c.get("ports", []) if "hostPort" in p]


def allowed_from(policy: Dict[str, Any]) -> Any:
    """The workloads a policy lets in, or "anyone"."""
    sources = set()
    for rule in policy["spec"].get("ingress", []):
        if "from" not in rule:
            return "anyone"
        for peer in rule["from"]:
            assert set(peer) == {"podSelector"}, peer  # no namespace or address ranges
            sources.add(peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"])
    return sources


def test_network_policies_let_in_only_who_must_connect(objects):
    policies = of_kind(objects, "NetworkPolicy")
    deny = policies.pop("default-deny")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}
    allowed = {
        p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]: allowed_from(p)
        for p in policies.values()
    }
    assert allowed == {
        "proxy": "anyone",
        # The Rasa servers pull the live model from the web service.
        "web": {"proxy", "rasa"},
        # The web service and retention delete conversations through a Rasa server.
        "rasa": {"proxy", "web", "retention"},
        # The web service for /health only: every other path needs the token it lacks.
        "actions": {"rasa", "web"},
    }
    assert not [c for c in pods(objects)["web"]["containers"] if "ACTION_SERVER_TOKEN" in env(c)]


def memory(limit: str) -> int:
    """Bytes of a compose mem_limit ("3g", binary) or a Kubernetes quantity ("3Gi")."""
    number, unit = re.fullmatch(r"(\d+)([a-zA-Z]*)", limit).groups()  # type: ignore[union-attr]
    scale = {"m": 2**20, "g": 2**30, "Mi": 2**20, "Gi": 2**30}[unit]
    return int(number) * scale


def test_every_container_runs_unprivileged_read_only_and_limited(objects):
    uid = int(re.search(r"useradd [^\n]*--uid (\d+)", (ROOT / "deploy/Dockerfile").read_text())[1])
    for name, pod in pods(objects).items():
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] > 0, name
        assert name == "proxy" or context["runAsUser"] == uid, name
        assert pod["automountServiceAccountToken"] is False, name
        for container in containers(pod):
            where = (name, container["name"])
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            resources = container["resources"]
            assert set(resources["limits"]) == set(resources["requests"]) == {"cpu", "memory"}
        [main] = [c for c in pod["containers"] if c["name"] in (name, "haproxy")]
        assert memory(main["resources"]["limits"]["memory"]) == memory(
            SERVICES[name]["mem_limit"]
        ), name


def test_every_server_has_probes(objects):
    for name, pod in pods(objects).items():
        for container in pod["containers"]:
            if container.get("ports"):
                assert "readinessProbe" in container and "livenessProbe" in container, name


def test_rasa_scales_out_behind_the_proxy(objects):
    rasa = of_kind(objects, "Deployment")["rasa"]
    assert rasa["spec"]["replicas"] >= 2
    labels = rasa["spec"]["template"]["metadata"]["labels"]
    [budget] = of_kind(objects, "PodDisruptionBudget").values()
    assert budget["spec"]["minAvailable"] == 1
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    # Headless: the proxy sees every pod, to keep each conversation on one.
    assert of_kind(objects, "Service")["rasa"]["spec"]["clusterIP"] == "None"
    variables = env(rasa["spec"]["template"]["spec"]["containers"][0])
    assert variables["SANIC_PROXIES_COUNT"] == "1"
    compose = SERVICES["rasa"]["environment"]
    assert variables["RATE_LIMIT_REDIS_URL"] == compose["RATE_LIMIT_REDIS_URL"]
    assert {key: variables[key] for key in RASA_POOL} == RASA_POOL


def test_services_carry_the_names_the_endpoints_and_apps_use(objects):
    """deploy/endpoints.production.yml and the apps' URLs name hosts as compose does."""
    endpoints = yaml.safe_load((ROOT / "deploy" / "endpoints.production.yml").read_text())
    services = of_kind(objects, "Service")
    assert endpoints["action_endpoint"]["url"].startswith("http://actions:5055/")
    assert {endpoints["tracker_store"]["url"], endpoints["lock_store"]["url"]} <= set(services)
    assert endpoints["tracker_store"]["db"] == TRACKER.name
    for name in ("postgres", "redis"):  # managed services outside the cluster
        assert services[name]["spec"]["type"] == "ExternalName", name
    assert services["actions"]["spec"]["ports"][0]["port"] == 5055
    assert services["web"]["spec"]["ports"][0]["port"] == 8000


def test_the_apps_wait_for_the_migrate_job_and_retention_runs_daily(objects):
    workloads = pods(objects)
    assert of_kind(objects, "Job")["migrate"]["spec"]["template"]["spec"]["restartPolicy"] == (
        "OnFailure"
    )
    for name in ("actions", "web"):
        [wait] = workloads[name]["initContainers"]
        assert wait["args"] == ["python", "-m", "bot", "db", "wait"], name
    retention = of_kind(objects, "CronJob")["retention"]["spec"]
    minute, hour, *every = retention["schedule"].split()
    assert minute.isdigit() and hour.isdigit() and every == ["*", "*", "*"]
    assert retention["concurrencyPolicy"] == "Forbid"
    assert env(workloads["retention"]["containers"][0])["RASA_URL"] == "http://rasa:5005"


def test_each_action_server_pod_keeps_and_drains_its_own_outbox(objects):
    actions = of_kind(objects, "StatefulSet")["actions"]["spec"]
    [claim] = actions["volumeClaimTemplates"]
    pod = actions["template"]["spec"]
    assert pod["securityContext"]["fsGroup"] == pod["securityContext"]["runAsGroup"]
    server, drain = pod["containers"]
    assert "python -m bot queue drain" in " ".join(drain["args"])
    for container in (server, drain):
        directory = str(Path(env(container)["OUTBOX_PATH"]).parent)
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        assert mounts[directory] == claim["metadata"]["name"], container["name"]


def proxy_rules(config: str) -> List[str]:
    """The routing and TLS lines of the https frontend and the rasa backend, less where
    each proxy listens and finds its servers."""
    rules, section = [], ""
    for line in config.splitlines():
        rule = line.strip()
        if line and not line.startswith(" "):
            section = line
        elif section in ("frontend https", "backend rasa") and rule:
            rules += [] if rule.startswith(("#", "bind ", "server")) else [rule]
    return rules


def test_the_proxy_routes_as_the_compose_one_and_its_config_is_valid(objects, tmp_path):
    config = (K8S / "haproxy.cfg").read_text()
    assert proxy_rules(config) == proxy_rules((ROOT / "deploy" / "haproxy.cfg").read_text())
    # HAProxy's resolver takes whole names only: they must carry the namespace.
    hosts = re.findall(r"\b(\w+)\.([\w-]+)\.svc\.cluster\.local:(\d+)", config)
    assert hosts == [
        ("rasa", KUSTOMIZATION["namespace"], "5005"),
        ("web", KUSTOMIZATION["namespace"], "8000"),
    ]
    [haproxy] = pods(objects)["proxy"]["containers"]
    ports = sorted(p["containerPort"] for p in haproxy["ports"])
    assert sorted(int(p) for p in re.findall(r"bind :(\d+)", config)) == ports
    haproxy_check(config, "/usr/local/etc/haproxy/certs/site.pem", tmp_path, key_beside=True)
