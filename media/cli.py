"""``studio media ...`` commands: ``fit SRC --profile NAME --out DST`` and ``probe SRC``.

Prints one JSON line on success; on a media error prints the reason (Chinese, then English) to
stderr and returns 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from media.errors import MediaError
from media.fit import fit
from media.options import TranscodeOptions
from media.probe import probe
from media.profiles import PROFILES, get_profile, video_sms_profile


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio media", description="Media library tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    fit_cmd = commands.add_parser("fit", help="fit a file to a rendition profile")
    fit_cmd.add_argument("src")
    fit_cmd.add_argument("--profile", required=True, choices=sorted(PROFILES))
    fit_cmd.add_argument("--out", required=True)
    fit_cmd.add_argument("--trim", action="store_true", help="keep the first N allowed seconds")
    fit_cmd.add_argument("--share", type=int, help="video_sms: bytes of the 1.8 MB total")
    fit_cmd.add_argument("--threads", type=int, default=TranscodeOptions.threads)
    fit_cmd.add_argument("--timeout", type=float, default=TranscodeOptions.timeout)
    fit_cmd.add_argument("--no-ssim", action="store_true", help="skip the SSIM measurement")
    probe_cmd = commands.add_parser("probe", help="print what a file holds")
    probe_cmd.add_argument("src")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return int(exc.code or 0)
    try:
        if args.command == "probe":
            info = probe(args.src)
            fields = {k: v for k, v in info.__dict__.items() if k != "sniffed"}
            print(json.dumps({"format": info.sniffed.format, "mime": info.sniffed.mime, **fields}))
            return 0
        options = TranscodeOptions(
            threads=args.threads, timeout=args.timeout, trim=args.trim,
            measure_quality=not args.no_ssim,
        )
        profile = get_profile(args.profile)
        if args.share is not None:
            if profile.name != "video_sms":
                print("--share applies to --profile video_sms only", file=sys.stderr)
                return 2
            profile = video_sms_profile(args.share)
        result = fit(args.src, profile, args.out, options=options)
    except MediaError as exc:
        print(f"错误 [{exc.code}]：{exc.message_zh}\nerror [{exc.code}]: {exc.message_en}",
              file=sys.stderr)
        return 1
    line = {
        "profile": profile.name,
        "size": result.size,
        "budget": profile.budget.max_bytes,
        "width": result.width,
        "height": result.height,
        "duration": None if result.duration is None else round(result.duration, 3),
        "ssim": None if result.quality is None else round(result.quality, 4),
        "seconds": round(result.seconds, 3),
        "mime": result.mime,
        "out": str(result.path),
        "settings": dict(result.settings),
    }
    print(json.dumps(line, ensure_ascii=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
