#!/usr/bin/env python3
"""Builds consent/templates.json from the consent script files (standard library only).

Each consent/ccm-consent-<lang>-<version>.txt is one built-in template; its text is embedded
byte for byte, with the SHA-256 of its UTF-8 bytes. The Rust core includes templates.json.

    python3 tools/gen_consent.py           # write consent/templates.json
    python3 tools/gen_consent.py --check   # exit 1 if templates.json is missing or stale
"""
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSENT = ROOT / "consent"
OUT = CONSENT / "templates.json"

ELEMENTS = ["availability", "costSharing", "rightToStop", "onePractitioner"]
TITLES = {
    "en": "Chronic Care Management consent script (English)",
    "es": "Guion de consentimiento para la Gestión de Atención Crónica (español)",
}
NAME = re.compile(r"^ccm-consent-([a-z]{2})-(\d{4}\.\d+)\.txt$")


def build() -> str:
    templates = []
    for path in sorted(CONSENT.glob("ccm-consent-*.txt")):
        m = NAME.match(path.name)
        if not m:
            sys.exit(f"gen_consent: unexpected file name {path.name}")
        language = m.group(1)
        if language not in TITLES:
            sys.exit(f"gen_consent: no title for language {language!r} ({path.name})")
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        if "\r" in text or not text.endswith("\n") or text.endswith("\n\n"):
            sys.exit(f"gen_consent: {path.name} must use LF line ends and end with exactly one newline")
        if "[" in text or "]" in text:
            sys.exit(f"gen_consent: {path.name} contains a bracketed placeholder")
        templates.append({
            "version": path.stem,
            "language": language,
            "title": TITLES[language],
            "elements": ELEMENTS,
            "text": text,
            "textSha256": hashlib.sha256(raw).hexdigest(),
        })
    if not templates:
        sys.exit("gen_consent: no consent/ccm-consent-*.txt files")
    templates.sort(key=lambda t: t["version"])
    return json.dumps(templates, ensure_ascii=False, indent=2) + "\n"


def main(argv):
    check = "--check" in argv[1:]
    want = build()
    if check:
        have = OUT.read_text(encoding="utf-8") if OUT.exists() else None
        if have != want:
            print(f"gen_consent: {OUT.relative_to(ROOT)} is stale; run python3 tools/gen_consent.py", file=sys.stderr)
            return 1
        print(f"gen_consent: {OUT.relative_to(ROOT)} is up to date")
        return 0
    OUT.write_text(want, encoding="utf-8", newline="\n")
    print(f"gen_consent: wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
