// Text from users on a terminal: which characters are controls, and how shortener-admin prints
// them so that a stored name can never move the cursor, retitle the window or hide a line.
#ifndef SHORTENER_TERMINAL_TEXT_H_
#define SHORTENER_TERMINAL_TEXT_H_

#include <string>
#include <string_view>

namespace shortener {

// True if `text` holds a control character: C0 (0x00-0x1f, tab and newline included), DEL, or a
// C1 control (U+0080-U+009F, which some terminals obey like ESC sequences), or is not UTF-8.
bool HasControlCharacter(std::string_view text);

// `text` with every control character and every byte that is not part of valid UTF-8 written
// as a visible escape: \n, \t, \r, \\ and \xNN (C1 controls as \u0080..\u009f). Printable
// ASCII and valid UTF-8 otherwise pass unchanged. Every line shortener-admin prints goes
// through this, whatever its source.
std::string TerminalSafe(std::string_view text);

}  // namespace shortener

#endif  // SHORTENER_TERMINAL_TEXT_H_
