"""Built packages and evidence packages as sealed downloads (accounts.sealed_downloads)."""

from pathlib import Path

from accounts.sealed_downloads import SealedPackage


def package_build_sealed(build) -> SealedPackage:
    """A built sequence folder, zipped as `<application>/<sequence>/` as the agency expects it.

    Its manifest lives in the database (paths relative to the sequence folder); the zip carries
    a copy beside the folder, so inside `<application>/<sequence>/`
    `sha256sum -c ../<sequence>-manifest-sha256.txt` verifies it offline.
    """
    sequence = build.sequence
    application = sequence.application.folder_name
    return SealedPackage(
        obj=build,
        manifest_sha256=build.manifest_sha256,
        filename=f"{application}-{sequence.label}-{build.kind}-build{build.pk}.zip",
        folder=Path(build.path),
        root=f"{application}/{sequence.label}",
        manifest=build.manifest,
        unlisted=(),
        beside={f"{application}/{sequence.label}-manifest-sha256.txt": build.manifest},
    )


def evidence_package_sealed(package) -> SealedPackage:
    """An evidence package: the zip written when it was sealed, checked member by member."""
    zip_path = Path(package.path)
    return SealedPackage(
        obj=package, manifest_sha256=package.manifest_sha256, filename=zip_path.name, zip_path=zip_path
    )
