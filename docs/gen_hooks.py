"""Regenerate docs/hooks.md from src/perfcore/plugins/hookspecs.py: ``python docs/gen_hooks.py``."""

from __future__ import annotations

from pathlib import Path

from perfcore.plugins.hookdocs import render_hooks_markdown

if __name__ == "__main__":
    target = Path(__file__).with_name("hooks.md")
    target.write_text(render_hooks_markdown(), encoding="utf-8")
    print(f"wrote {target}")
