"""Strict YAML reading: every params, notes and logbook file goes through one loader.

The loader refuses what PyYAML would silently get wrong (a key given twice, an
impossible date) and names file, line and key. Kept apart from runtime/io.py so that
the stdlib-only file writes there do not import PyYAML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlError(ValueError):
    """A YAML file that cannot be trusted as written; the message names file, line and key.

    The message never quotes the file's text: a notes file may hold personal data.
    """


# libyaml's parser where the wheel has it: params and notes are read at every stage start
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictYamlLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """SafeLoader that refuses a key given twice in one mapping and names a bad value's key.

    PyYAML keeps the last of two equal keys and drops the first without a word (a second
    `items:` in a notes file loses every note above it), and an impossible date such as
    2024-02-30 stops with a bare `day is out of range for month`.
    """

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
        if not isinstance(node, yaml.MappingNode):  # `!!map` on a scalar: PyYAML's own error
            found = getattr(node, "id", "node")  # 'scalar' or 'sequence'
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping node, but found {found}", node.start_mark
            )
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: PyYAML itself reports it below
                continue
            if first is not None:
                raise YamlError(
                    f"{self.name}, line {line}: key {key!r} appears twice in one mapping "
                    f"(first on line {first}); YAML would keep only the last and silently "
                    "drop the first"
                )
            seen[key] = line
        self.flatten_mapping(node)
        mapping: dict = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                mapping[key] = self.construct_object(value_node, deep=deep)
            except ValueError as error:
                if isinstance(error, YamlError):
                    raise
                line = value_node.start_mark.line + 1
                where = f"{self.name}, line {line}: key {key!r}"
                if value_node.tag.endswith(":timestamp"):
                    raise YamlError(
                        f"{where}: not an existing date ({error}); write YYYY-MM-DD"
                    ) from None
                raise YamlError(f"{where}: {error}") from None
        return mapping


def _construct_map(loader: StrictYamlLoader, node: yaml.Node) -> dict:
    return loader.construct_mapping(node, deep=True)


StrictYamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def load_yaml_text(text: str, name: str) -> Any:
    """Parse YAML `text` read from `name` with StrictYamlLoader; YamlError on any problem."""
    loader = StrictYamlLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "syntax error"
        raise YamlError(f"{name}{where}: not valid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise YamlError(f"{name}: not valid YAML: {type(error).__name__}") from None
    finally:
        loader.dispose()


def plain_yaml(text: str) -> Any:
    """`yaml.safe_load` with libyaml's parser where present (dvc.yaml: 8x faster)."""
    return yaml.load(text, Loader=_SafeLoader)


def read_yaml_file(path: Path) -> Any:
    """Read and parse one YAML file strictly (duplicate keys, impossible dates: YamlError)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlError(f"{path}: not readable as UTF-8 text") from None
    return load_yaml_text(text, str(path))
