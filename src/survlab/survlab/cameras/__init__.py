"""Part I, Cameras: capture, storage, motion, faces and plates, as small seeded models."""
