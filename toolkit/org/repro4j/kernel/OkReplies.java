package org.repro4j.kernel;

import java.util.ArrayList;
import java.util.List;

import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.reply.HistoryReply;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;

/**
 * Replies that jjava-jupyter 1.0-a6 sends without the {@code "status": "ok"} field the Jupyter messaging
 * protocol requires (clients that validate messages, such as jupyter_kernel_test, reject them). Gson serializes
 * the extra field along with the inherited ones.
 */
final class OkReplies {

    private OkReplies() {
    }

    /** {@code kernel_info_reply} with a status. */
    static final class KernelInfo extends KernelInfoReply {
        @SuppressWarnings("unused") // serialized by Gson
        private final String status = "ok";

        KernelInfo(String protocol, String name, String version, LanguageInfo language, String banner,
                   List<HelpLink> links) {
            super(protocol, name, version, language, banner, links);
        }
    }

    /**
     * {@code history_reply} with a status. jjava's own {@code HistoryReply} would also be serialized wrongly:
     * its entries must be {@code [session, line, input]} (or {@code [session, line, [input, output]]}) arrays,
     * and the Gson that writes replies has no adapter for them. So this reply is built from plain lists.
     */
    static final class History implements ContentType<History> {
        @SuppressWarnings("unused") // serialized by Gson
        private final String status = "ok";
        private final List<List<Object>> history = new ArrayList<>();

        History(List<HistoryEntry> entries) {
            for (HistoryEntry entry : entries) {
                Object text = entry.hasOutput() ? List.of(entry.getInput(), entry.getOutput()) : entry.getInput();
                history.add(List.of(entry.getSession(), entry.getCellNumber(), text));
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public MessageType<History> getType() {
            return (MessageType<History>) (MessageType<?>) HistoryReply.MESSAGE_TYPE;
        }
    }
}
