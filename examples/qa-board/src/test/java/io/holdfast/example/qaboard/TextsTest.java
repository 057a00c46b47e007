package io.holdfast.example.qaboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void roomIdsAreLowerCaseSlugs() {
        assertThat(Texts.roomId("Keynote Q&A")).isEqualTo("keynote-q-a");
        assertThat(Texts.roomId("  Café  Débat ")).isEqualTo("cafe-debat");
        assertThat(Texts.roomId("a".repeat(60))).hasSize(Texts.MAX_ROOM_ID_LENGTH);
        assertThatThrownBy(() -> Texts.roomId("!!!")).isInstanceOf(BoardException.class);
    }

    @Test
    void linesFoldWhitespaceAndDropControlCharacters() {
        assertThat(Texts.line(" Ada\tLovelace\n\u0007 ", "name", 40)).isEqualTo("Ada Lovelace");
    }

    @Test
    void paragraphsKeepSingleBlankLines() {
        assertThat(Texts.paragraph("one  \r\n\n\n\n two", "q", 100)).isEqualTo("one\n\ntwo");
    }

    @Test
    void lengthsCountCharactersNotUtf16Units() {
        assertThat(Texts.line("👩‍💻".repeat(5), "name", 15)).isNotEmpty();
        assertThat(Texts.truncate("ab😀cd", 3)).isEqualTo("ab😀");
    }
}
