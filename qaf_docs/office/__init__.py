"""Office files: guarded reading of .docx/.xlsx/.csv, Word content controls, file identity and
the action tracker's sheet layout, and what the default templates have that a workspace's lack.
The only package that spells Office XML."""
