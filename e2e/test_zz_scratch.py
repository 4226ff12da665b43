from e2e.conftest import AXE_JS

def test_scratch(strict_page, live_server):
    msgs = []
    strict_page.on("console", lambda m: msgs.append(m.text))
    strict_page.goto(live_server.url + "/konto/logga-in/")
    try:
        strict_page.add_script_tag(path=str(AXE_JS))
        print("add_script_tag ok")
    except Exception as e:
        print("add_script_tag raised", type(e), str(e)[:300])
    print("axe type", strict_page.evaluate("() => typeof window.axe"))
    print(msgs)
