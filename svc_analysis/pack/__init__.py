"""The monthly pack: runner, notebook execution, export, gate, folder, progress workbook, the `svc` CLI and the notebooks' setup. Knows no area: areas are found through core.areas."""
