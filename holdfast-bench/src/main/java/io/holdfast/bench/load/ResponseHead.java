package io.holdfast.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 response head as the bench's lean decoders need it: status, framing and one named
 * header. Parsed once per connection, so plain string handling is fine here.
 */
final class ResponseHead {

    static final int MAX_HEAD = 16 * 1024;
    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    final int status;
    final String reason;
    final boolean chunked;
    final long contentLength;
    private final String[] lines;

    private ResponseHead(int status, String reason, boolean chunked, long contentLength, String[] lines) {
        this.status = status;
        this.reason = reason;
        this.chunked = chunked;
        this.contentLength = contentLength;
        this.lines = lines;
    }

    /**
     * Consumes a complete head from {@code in}, or returns null and consumes nothing when more bytes
     * are needed.
     *
     * @throws IllegalStateException when the head is malformed or too large
     */
    static ResponseHead read(ByteBuf in) {
        int end = indexOf(in, CRLFCRLF);
        if (end < 0) {
            if (in.readableBytes() > MAX_HEAD) {
                throw new IllegalStateException("response head over " + MAX_HEAD + " bytes");
            }
            return null;
        }
        String text = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(end + 4);
        String[] lines = text.split("\r\n");
        String statusLine = lines[0];
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IllegalStateException("bad status line: " + abbreviate(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("bad status line: " + abbreviate(statusLine));
        }
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        boolean chunked = false;
        long length = -1;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("bad Content-Length: " + abbreviate(value));
                }
            }
        }
        return new ResponseHead(status, reason, chunked, chunked ? -1 : length, lines);
    }

    /** The first value of a header, or null. */
    String header(String name) {
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    static int indexOf(ByteBuf in, byte[] needle) {
        int from = in.readerIndex();
        int to = in.writerIndex() - needle.length;
        outer:
        for (int i = from; i <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (in.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
