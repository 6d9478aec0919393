"""The labs' exercise declarations, one module per lab, found by id."""
from __future__ import annotations

import importlib

from ..checks import Lab

# lab id -> module; a notebook names its lab id in its metadata (survlab: {lab: ...}).
_MODULES = {
    "getting-started": "survlab.labs.getting_started",
    "camera-network": "survlab.labs.camera_network",
    "motion-detection": "survlab.labs.motion_detection",
    "face-matching": "survlab.labs.face_matching",
    "plate-trails": "survlab.labs.plate_trails",
    "viewing-records": "survlab.labs.viewing_records",
    "iris-deduplication": "survlab.labs.iris_deduplication",
    "biometric-scores": "survlab.labs.biometric_scores",
    "id-card-records": "survlab.labs.id_card_records",
    "watching-costs": "survlab.labs.watching_costs",
    "awareness-surveys": "survlab.labs.awareness_surveys",
    "capstone-week": "survlab.labs.capstone_week",
    "file-marks": "survlab.labs.file_marks",
}


def check_id(lab_id: str) -> None:
    """Raise KeyError for an unknown lab id, without loading any lab (some take a second)."""
    if lab_id not in _MODULES:
        raise KeyError(f"unknown lab {lab_id!r}; known labs: {sorted(_MODULES)}")


def get(lab_id: str) -> Lab:
    check_id(lab_id)
    return importlib.import_module(_MODULES[lab_id]).LAB


def all_labs() -> list[Lab]:
    return [get(lab_id) for lab_id in _MODULES]
