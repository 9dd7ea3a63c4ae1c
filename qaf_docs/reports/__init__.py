"""What the register produces for people and other tools: the QA tracker workbook and exports."""
