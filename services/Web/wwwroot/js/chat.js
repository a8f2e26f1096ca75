// Streams the Chatbot's answer into the page as it is produced. Without this script the form posts normally and the
// whole answer arrives at once.
"use strict";

(() => {
    const form = document.getElementById("chat-form");
    if (!form || !window.fetch || !window.TextDecoder) return;
    const messages = document.getElementById("messages");
    const state = document.getElementById("chat-state");
    const problemBox = document.getElementById("chat-problem");
    const template = document.getElementById("feedback-template");

    const el = (tag, className, text) => {
        const node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined) node.textContent = text;
        return node;
    };

    const showProblem = (title, detail, errors) => {
        problemBox.replaceChildren();
        const section = el("section", "problem");
        section.setAttribute("role", "alert");
        section.append(el("h2", "", title || "The answer could not be completed"));
        if (detail) section.append(el("p", "", detail));
        if (errors) {
            const list = el("ul");
            for (const [field, messages] of Object.entries(errors)) {
                for (const message of messages) list.append(el("li", "", `${field}: ${message}`));
            }
            if (list.children.length) section.append(list);
        }
        problemBox.append(section);
    };

    const renderCitations = (answer) => {
        if (!answer.citations || !answer.citations.length) return null;
        const details = el("details", "citations");
        details.open = true;
        details.append(el("summary", "", `Sources (${answer.citations.length})`));
        const list = el("ol");
        for (const c of answer.citations) {
            const item = el("li");
            item.value = c.number;
            item.dataset.citation = c.number;
            item.append(el("strong", "", `[${c.number}]`), document.createTextNode(` ${c.title} `));
            const where = [c.file_name, c.page ? `page ${c.page}` : null, c.paragraph ? `paragraph ${c.paragraph}` : null].filter(Boolean).join(", ");
            item.append(el("span", "hint", `(${where})`));
            const source = (answer.sources || []).find(s => s.source.document_id === c.document_id && s.source.chunk === c.chunk);
            if (source) item.append(el("blockquote", "", source.text));
            list.append(item);
        }
        details.append(list);
        return details;
    };

    const feedbackFor = (answer) => {
        if (!template) return null;
        const fragment = template.content.cloneNode(true);
        fragment.querySelector("input[name=messageId]").value = answer.message_id;
        fragment.querySelector("input[name=sessionId]").value = answer.session_id;
        return fragment;
    };

    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const data = new FormData(form);
        const question = String(data.get("question") || "").trim();
        if (!question) return;
        problemBox.replaceChildren();
        const button = form.querySelector("button[type=submit]");
        button.disabled = true;
        state.textContent = "Answering…";

        const asked = el("li", "user");
        asked.append(el("span", "visually-hidden", "You asked:"), el("div", "content", question));
        const reply = el("li", "assistant");
        const content = el("div", "content", "");
        reply.append(el("span", "visually-hidden", "Answer:"), content);
        messages.append(asked, reply);

        try {
            const response = await fetch(form.dataset.stream, { method: "POST", body: data, credentials: "same-origin" });
            if (!response.ok || !response.body) {
                showProblem(response.status === 400 ? "The form has expired: reload the page" : `The request failed (${response.status})`);
                reply.remove();
                return;
            }

            const reader = response.body.getReader();
            const decoder = new TextDecoder();
            let buffer = "";
            let finished = false;
            while (!finished) {
                const { value, done } = await reader.read();
                if (done) break;
                buffer += decoder.decode(value, { stream: true });
                let cut;
                while ((cut = buffer.indexOf("\n\n")) >= 0) {
                    const block = buffer.slice(0, cut);
                    buffer = buffer.slice(cut + 2);
                    let name = "message";
                    let payload = "";
                    for (const line of block.split("\n")) {
                        if (line.startsWith("event:")) name = line.slice(6).trim();
                        else if (line.startsWith("data:")) payload += line.slice(5).trim();
                    }
                    const body = payload ? JSON.parse(payload) : {};
                    if (name === "delta") {
                        content.textContent += body.text || "";
                    } else if (name === "done") {
                        content.textContent = body.answer;
                        const citations = renderCitations(body);
                        if (citations) reply.append(citations);
                        const feedback = feedbackFor(body);
                        if (feedback) reply.append(feedback);
                        form.querySelector("input[name=sessionId]").value = body.session_id;
                        history.replaceState(null, "", `?session=${body.session_id}`);
                        form.querySelector("textarea[name=question]").value = "";
                        finished = true;
                    } else if (name === "problem" || name === "error") {
                        showProblem(body.title, body.detail, body.errors);
                        reply.remove();
                        finished = true;
                    }
                }
            }
        } catch {
            showProblem("The answer could not be received", "Check the connection and try again.");
        } finally {
            button.disabled = false;
            state.textContent = "";
        }
    });
})();
