"""Render a kustomization (deploy/k8s) without a kustomize binary, and
validate the result against the Kubernetes schema (kubernetes-validate).

    python scripts/render_k8s.py deploy/k8s/overlays/production            # YAML out
    python scripts/render_k8s.py --validate deploy/k8s/base deploy/k8s/overlays/production

The subset of kustomize our manifests use: `resources` (files and
directories), `components`, `namespace`, `labels` (metadata only),
`images`, and `patches` given by `path` (strategic merge: maps merge, lists
of named items such as containers merge by name, other lists are replaced).
`kubectl kustomize` / `kustomize build` render the same files for real.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path
from typing import Any

import yaml

Resource = dict[str, Any]
KUBERNETES_VERSION = "1.37"


def _load_all(path: Path) -> list[Resource]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _kustomization(directory: Path) -> Resource:
    loaded = yaml.safe_load((directory / "kustomization.yaml").read_text())
    if not isinstance(loaded, dict):
        raise ValueError(f"{directory}: kustomization.yaml is not a mapping")
    return loaded


def _key(resource: Resource) -> tuple[str, str]:
    return resource["kind"], resource["metadata"]["name"]


def merge(base: Any, patch: Any) -> Any:
    """Strategic merge, the subset used here."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    if (
        isinstance(base, list)
        and isinstance(patch, list)
        and all(isinstance(i, dict) and "name" in i for i in base + patch)
    ):
        by_name = {item["name"]: item for item in base}
        out = [
            merge(by_name[i["name"]], i) if i["name"] in by_name else i for i in patch
        ]
        patched = {i["name"] for i in patch}
        return [i for i in base if i["name"] not in patched] + out
    return copy.deepcopy(patch)


def _set_images(node: Any, images: list[Resource]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("image"), str) and "containers" not in node:
            name, _, tag = node["image"].partition(":")
            for image in images:
                if image["name"] == name:
                    new_name = image.get("newName", name)
                    node["image"] = f"{new_name}:{image.get('newTag', tag or 'latest')}"
        for value in node.values():
            _set_images(value, images)
    elif isinstance(node, list):
        for value in node:
            _set_images(value, images)


def _apply(
    directory: Path, resources: list[Resource], spec: Resource
) -> list[Resource]:
    for patch_ref in spec.get("patches", []):
        for patch in _load_all(directory / patch_ref["path"]):
            matches = [r for r in resources if _key(r) == _key(patch)]
            if len(matches) != 1:
                raise ValueError(
                    f"{directory}: patch {_key(patch)} matches {len(matches)}"
                )
            index = resources.index(matches[0])
            resources[index] = merge(matches[0], patch)
    for pairs in spec.get("labels", []):
        for resource in resources:
            labels = resource["metadata"].setdefault("labels", {})
            labels.update(pairs["pairs"])
    if "namespace" in spec:
        for resource in resources:
            resource["metadata"]["namespace"] = spec["namespace"]
    if spec.get("images"):
        for resource in resources:
            _set_images(resource, spec["images"])
    return resources


def render(directory: Path) -> list[Resource]:
    """The resources a kustomization (or component) directory produces."""
    spec = _kustomization(directory)
    resources: list[Resource] = []
    for entry in spec.get("resources", []):
        target = directory / entry
        resources += render(target) if target.is_dir() else _load_all(target)
    keys = [_key(r) for r in resources]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{directory}: a resource is defined twice")
    for component in spec.get("components", []):
        component_dir = directory / component
        component_spec = _kustomization(component_dir)
        for entry in component_spec.get("resources", []):
            resources += _load_all(component_dir / entry)
        resources = _apply(
            component_dir, resources, {"patches": component_spec.get("patches", [])}
        )
    return _apply(directory, resources, spec)


def validate(resources: list[Resource]) -> list[str]:
    """Schema errors of each resource (strict: unknown fields are errors)."""
    import kubernetes_validate  # a dev tool: imported only when validating

    problems = []
    for resource in resources:
        try:
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{_key(resource)}: {error.message} at {list(error.path)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/render_k8s.py")
    parser.add_argument("directories", nargs="+", type=Path)
    parser.add_argument("--validate", action="store_true")
    args = parser.parse_args(argv)
    failed = False
    for directory in args.directories:
        resources = render(directory)
        if args.validate:
            problems = validate(resources)
            for problem in problems:
                print(f"{directory}: {problem}", file=sys.stderr)  # noqa: T201
            failed = failed or bool(problems)
            print(f"{directory}: {len(resources)} resources, {len(problems)} problems")  # noqa: T201
        else:
            print(yaml.safe_dump_all(resources, sort_keys=False), end="")  # noqa: T201
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
