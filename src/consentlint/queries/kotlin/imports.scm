; The file's package and its imports (incl. `import a.B as C` and `a.*`).
(source_file (package_header) @package)
(source_file (import) @import)
