; The file's package and its imports (single, wildcard, static).
(program (package_declaration) @package)
(program (import_declaration) @import)
