# notes_warnings(target): the project's warning set; errors with NOTES_WERROR (CI turns it on).
function(notes_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations
    $<$<BOOL:${NOTES_WERROR}>:-Werror>)
endfunction()
