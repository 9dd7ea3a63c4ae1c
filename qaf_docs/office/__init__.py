"""Office files: guarded reading of .docx/.xlsx/.csv, Word content controls, file identity and
the action tracker's sheet layout. The only package that spells Office XML."""
