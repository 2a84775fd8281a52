// The Saleor Dashboard's side of AppBridge, for the CRM demo (see
// tests/host/demo_host.py). Like the Dashboard 3.23, it loads each extension
// in an iframe with the launch query, posts the handshake with a staff token
// when the frame has loaded, answers every action, sizes widgets to the
// height they report, mirrors the app page's route in its own address
// (updateRouting) and follows redirects; redirects to Saleor's own pages are
// shown when the demo has that page, announced otherwise.
(() => {
  "use strict";
  const config = JSON.parse(document.body.dataset.config);
  const main = document.getElementById("main");
  const launch = new URLSearchParams(config.launch).toString();
  const appPrefix = "/extensions/app/" + encodeURIComponent(config.appId);
  const frames = new Map(); // iframe -> "app" | "widget"
  let lastAppSrc = "";
  const demo = (window.crmDemo = { actions: [], loads: 0 });

  document.getElementById("who").textContent = "Signed in as " + config.staff.email;

  const widgetUrl = (route, params = {}) =>
    config.extensionUrl + "#" + route + "?" + new URLSearchParams({ ...config.launch, ...params });

  function post(frame, message) {
    frame.contentWindow.postMessage(message, new URL(frame.src).origin);
  }

  function frameFor(kind, src, title) {
    const frame = document.createElement("iframe");
    frame.title = title;
    frame.addEventListener("load", () => {
      demo.loads += 1;
      post(frame, {
        type: "handshake",
        payload: { token: config.token, version: 1, saleorVersion: "3.23.28", dashboardVersion: "3.23.27" },
      });
    });
    frames.set(frame, kind);
    frame.src = src;
    return frame;
  }

  function element(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  function card(title, ...content) {
    return element("section", { class: "card" }, [
      element("h2", {}, [title]),
      element("div", { class: "content" }, content),
    ]);
  }

  function details(pairs) {
    const list = element("dl");
    for (const [term, value] of pairs) list.append(element("dt", {}, [term]), element("dd", {}, [value]));
    return list;
  }

  function toast(text) {
    const note = element("div", { class: "toast", role: "status" }, [text]);
    document.body.append(note);
    setTimeout(() => note.remove(), 5000);
  }

  function missing(what) {
    return element("div", { class: "page single" }, [
      element("h1", {}, [what]),
      element("p", { class: "note" }, ["The demo store has none yet: run ./scripts/demo --fresh."]),
    ]);
  }

  const views = {
    home() {
      return element("div", { class: "page single" }, [
        element("h1", {}, ["Home"]),
        card("CRM", frameFor("widget", widgetUrl("/widget/home"), "CRM home widget")),
      ]);
    },
    app(sub) {
      main.className = "app";
      const src = config.appUrl + sub + "?" + launch;
      lastAppSrc = src;
      return frameFor("app", src, "CRM");
    },
    customer() {
      const customer = config.customer;
      if (!customer) return missing("Customer");
      return element("div", { class: "page" }, [
        element("h1", {}, [customer.name]),
        card(
          "Customer details",
          details([["Email", customer.email]]),
          element("p", { class: "note" }, ["Saleor's customer page shows addresses, orders and notes here."]),
        ),
        card("CRM", frameFor("widget", widgetUrl("/widget/customer", { customerId: customer.id }), "CRM customer widget")),
      ]);
    },
    order() {
      const order = config.order;
      if (!order) return missing("Order");
      return element("div", { class: "page" }, [
        element("h1", {}, ["Order #" + order.number]),
        card(
          "Order details",
          details([
            ["Placed", new Date(order.placedAt).toLocaleString()],
            ["Total", order.total],
            ["Customer", config.customer ? config.customer.email : ""],
          ]),
          element("p", { class: "note" }, ["Saleor's order page shows lines, payments and fulfilments here."]),
        ),
        card("CRM", frameFor("widget", widgetUrl("/widget/order", { orderId: order.id }), "CRM order widget")),
      ]);
    },
  };

  function route() {
    const path = location.hash.replace(/^#/, "") || "/app";
    const [, view = "app", ...rest] = path.split("/");
    return { view: views[view] ? view : "app", sub: view === "app" && rest.length ? "/" + rest.join("/") : "" };
  }

  function render() {
    const { view, sub } = route();
    if (view === "app" && main.className === "app" && config.appUrl + sub + "?" + launch === lastAppSrc) return;
    frames.clear();
    main.className = "";
    lastAppSrc = "";
    main.replaceChildren(views[view](sub));
    for (const link of document.querySelectorAll(".sidebar a")) {
      if (link.dataset.view === view) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  function redirect(to) {
    // As the Dashboard's router (history's decodeURI): "%3D" in the App's
    // ID stays encoded, other escapes are read.
    let path = to;
    try {
      path = decodeURI(to);
    } catch {
      // keep it as it came
    }
    if (path.startsWith(appPrefix)) {
      location.hash = "#/app" + path.slice(appPrefix.length);
      return;
    }
    const [, area, id] = path.split("/");
    if (area === "customers" && config.customer && id === config.customer.id) location.hash = "#/customer";
    else if (area === "orders" && config.order && id === config.order.id) location.hash = "#/order";
    else toast("In the Dashboard this opens Saleor's page " + path + ".");
  }

  function handle(frame, type, payload) {
    if (type === "widgetResize" && frames.get(frame) === "widget") frame.style.height = payload.height + "px";
    else if (type === "updateRouting") history.pushState(null, "", "#/app" + payload.newRoute);
    else if (type === "redirect") redirect(String(payload.to || ""));
    else if (type === "notification") toast([payload.title, payload.text].filter(Boolean).join(": "));
  }

  window.addEventListener("message", (event) => {
    const frame = [...frames.keys()].find((candidate) => candidate.contentWindow === event.source);
    if (!frame) return;
    const { type, payload } = event.data || {};
    if (!type || !payload || !payload.actionId) return;
    demo.actions.push({ type, payload });
    handle(frame, type, payload);
    post(frame, { type: "response", payload: { actionId: payload.actionId, ok: true } });
  });
  // Links, redirects and Back/Forward all change the hash.
  window.addEventListener("hashchange", render);
  render();
})();
