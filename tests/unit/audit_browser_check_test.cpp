// The browser check's reading of chromium (tools/l2spec/browser_check.hpp,
// spec/audit_report.md#the-browser-check), without chromium: the logs and DOMs below are what
// Debian 12's chromium 156.0.8078.114 printed (`chromium --headless --disable-gpu --no-sandbox
// --enable-logging=stderr --v=0 --dump-dom file://...`, on a container without D-Bus; only some of
// its repeated D-Bus lines are kept, and trailing spaces are trimmed) for three pages: a page broken
// on purpose (kBrokenPage), a clean page, and a file that does not exist. The expected problems are
// chromium's own messages, and the links and fetches the pages were written with.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "../../tools/l2spec/browser_check.hpp"

namespace {

using l2::cli::browser::check_page;
using l2::cli::browser::log_problems;
using l2::cli::browser::scan_dom;

// Broken three ways at once: an SVG attribute chromium rejects (a console error with no script),
// a script that logs an error and then calls what does not exist, a link to no id, and an image
// the page would fetch.
constexpr const char* kBrokenPage = R"chromium(<!doctype html><html><head><meta charset="utf-8"><title>broken</title></head><body>
<h1 id="top">broken</h1>
<a href="#top">ok</a> <a href="#nowhere">dangling</a>
<img src="missing-image.png" alt="missing">
<svg width="100" height="20"><rect width="-5" height="10"/></svg>
<script>console.error("deliberate console error"); undefined_function();</script>
</body></html>
)chromium";

constexpr const char* kBrokenLog = R"chromium(/usr/bin/chromium: 9: [: 25276157952: unexpected operator
[18370:18399:1205/230145.865895:ERROR:dbus/bus.cc:405] Failed to connect to the bus: Failed to connect to socket /run/dbus/system_bus_socket: No such file or directory
[18370:18399:1205/230145.865991:ERROR:dbus/bus.cc:405] Failed to connect to the bus: Could not parse server address: Unknown address type (examples of valid types are "tcp" and on UNIX "unix")
[18370:18370:1205/230146.385415:ERROR:dbus/object_proxy.cc:572] Failed to call method: org.freedesktop.DBus.NameHasOwner: object_path= /org/freedesktop/DBus: unknown error type:
[18370:18370:1205/230146.388781:WARNING:device/bluetooth/dbus/bluez_dbus_manager.cc:209] Floss manager service not available, cannot set Floss enable/disable.
[18370:18370:1205/230146.491895:WARNING:ui/base/idle/idle_linux.cc:111] None of the known D-Bus ScreenSaver services could be used.
[18424:18424:1205/230146.573026:WARNING:media/gpu/vaapi/vaapi_wrapper.cc:1655] drmGetDevices2() has not found any devices
[18424:18424:1205/230146.696797:WARNING:sandbox/policy/linux/sandbox_linux.cc:405] InitializeSandbox() called with multiple threads in process gpu-process.
[18370:18370:1205/230147.650341:INFO:CONSOLE:5] "Error: <rect> attribute width: A negative value is not valid. ("-5")", source: file:///tmp/h14b/broken.html (5)
[18370:18370:1205/230147.654413:INFO:CONSOLE:6] "deliberate console error", source: file:///tmp/h14b/broken.html (6)
[18370:18370:1205/230147.661771:INFO:CONSOLE:6] "Uncaught ReferenceError: undefined_function is not defined", source: file:///tmp/h14b/broken.html (6)
)chromium";

constexpr const char* kBrokenDom = R"chromium(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>broken</title></head><body>
<h1 id="top">broken</h1>
<a href="#top">ok</a> <a href="#nowhere">dangling</a>
<img src="missing-image.png" alt="missing">
<svg width="100" height="20"><rect width="-5" height="10"></rect></svg>
<script>console.error("deliberate console error"); undefined_function();</script>

</body></html>
)chromium";

// <!doctype html><html><head><meta charset="utf-8"><title>good</title></head><body><h1 id="top">good</h1><a href="#top">ok</a></body></html>
constexpr const char* kCleanLog = R"chromium(/usr/bin/chromium: 9: [: 25276157952: unexpected operator
[21288:21319:1205/230547.779640:ERROR:dbus/bus.cc:405] Failed to connect to the bus: Failed to connect to socket /run/dbus/system_bus_socket: No such file or directory
[21288:21288:1205/230548.661365:WARNING:ui/base/idle/idle_linux.cc:111] None of the known D-Bus ScreenSaver services could be used.
[21354:21354:1205/230549.043703:WARNING:media/gpu/vaapi/vaapi_wrapper.cc:1655] drmGetDevices2() has not found any devices
[21354:21354:1205/230549.222834:WARNING:sandbox/policy/linux/sandbox_linux.cc:405] InitializeSandbox() called with multiple threads in process gpu-process.
)chromium";

constexpr const char* kCleanDom = R"chromium(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>good</title></head><body><h1 id="top">good</h1><a href="#top">ok</a>
</body></html>
)chromium";

// file:///tmp/h14b/nonexist.html: chromium printed an empty DOM.
constexpr const char* kMissingPageLog = R"chromium(/usr/bin/chromium: 9: [: 25276157952: unexpected operator
[21454:21454:1205/230551.171146:WARNING:ui/base/idle/idle_linux.cc:111] None of the known D-Bus ScreenSaver services could be used.
[21509:21509:1205/230551.445179:WARNING:media/gpu/vaapi/vaapi_wrapper.cc:1655] drmGetDevices2() has not found any devices
[21509:21509:1205/230551.586452:WARNING:sandbox/policy/linux/sandbox_linux.cc:405] InitializeSandbox() called with multiple threads in process gpu-process.
[21454:21454:1205/230552.324374:ERROR:components/headless/command_handler/headless_command_handler.cc:403] Page load failed: net::ERR_FILE_NOT_FOUND
)chromium";

TEST(AuditBrowserCheck, EveryConsoleMessageOfTheBrokenPageIsAProblem) {
  const std::vector<std::string> expected = {
      R"x(console: "Error: <rect> attribute width: A negative value is not valid. ("-5")", source: file:///tmp/h14b/broken.html (5))x",
      R"x(console: "deliberate console error", source: file:///tmp/h14b/broken.html (6))x",
      R"x(console: "Uncaught ReferenceError: undefined_function is not defined", source: file:///tmp/h14b/broken.html (6))x"};
  EXPECT_EQ(log_problems(kBrokenLog), expected);
}

TEST(AuditBrowserCheck, ChromiumsOwnNoiseIsNotAProblem) {
  // D-Bus errors, GPU and sandbox warnings, and the wrapper script's line.
  EXPECT_TRUE(log_problems(kCleanLog).empty());
  // The broken page's log up to its first console line.
  const std::string log = kBrokenLog;
  const std::string noise = log.substr(0, log.find("[18370:18370:1205/230147.650341"));
  ASSERT_LT(noise.size(), log.size());
  EXPECT_TRUE(log_problems(noise).empty()) << noise;
}

TEST(AuditBrowserCheck, APageThatDoesNotLoadFails) {
  EXPECT_EQ(log_problems(kMissingPageLog), std::vector<std::string>{"load: Page load failed: net::ERR_FILE_NOT_FOUND"});
  const auto check = check_page(kMissingPageLog, "", {"payment_channel"});
  const std::vector<std::string> expected = {"load: Page load failed: net::ERR_FILE_NOT_FOUND",
                                             "dom: chromium printed no <body>: the page did not render",
                                             "section: mechanism payment_channel has no section #mechanism-payment_channel"};
  EXPECT_EQ(check.problems, expected);
}

TEST(AuditBrowserCheck, TheBrokenPageFailsOnItsConsoleItsDanglingLinkAndItsFetch) {
  // The page's source says what its DOM must show.
  ASSERT_NE(std::string(kBrokenPage).find(R"(<a href="#nowhere">)"), std::string::npos);
  const auto check = check_page(kBrokenLog, kBrokenDom, {});
  ASSERT_EQ(check.problems.size(), 5u) << ::testing::PrintToString(check.problems);
  EXPECT_EQ(check.problems[0].rfind("console: \"Error: <rect> attribute width", 0), 0u);
  EXPECT_EQ(check.problems[3], "link: #nowhere resolves to no element (1 link)");
  EXPECT_EQ(check.problems[4], R"(fetch: <img src="missing-image.png">: the report must be self-contained)");
  EXPECT_EQ(check.links, 2u);  // #top and #nowhere
  EXPECT_EQ(check.ids, 1u);    // top
}

TEST(AuditBrowserCheck, TheCleanPagePasses) {
  const auto check = check_page(kCleanLog, kCleanDom, {});
  EXPECT_TRUE(check.problems.empty()) << ::testing::PrintToString(check.problems);
  EXPECT_EQ(check.links, 1u);
  EXPECT_EQ(check.ids, 1u);
}

// The rest is the DOM as chromium serializes it: attributes double-quoted, with &amp; &quot; &lt;
// &gt; and &nbsp; in their values.
TEST(AuditBrowserCheck, EachMechanismNeedsItsSection) {
  const std::string dom =
      "<html><head></head><body><nav><a href=\"#mechanism-payment_channel\">payment_channel</a></nav>"
      "<section id=\"mechanism-payment_channel\"><h2>payment_channel</h2></section>"
      "<section id=\"mechanism-watchtower-x\"></section><p>mechanism-watchtower</p></body></html>";
  const auto check = check_page("", dom, {"payment_channel", "watchtower"});
  EXPECT_EQ(check.problems, std::vector<std::string>{"section: mechanism watchtower has no section #mechanism-watchtower"});
  EXPECT_EQ(check.sections, 1u);
}

TEST(AuditBrowserCheck, FragmentsMatchIdsAfterEntitiesOrPercentDecoding) {
  const std::string dom =
      "<body><h3 id=\"rule-A&amp;B\">x</h3><a href=\"#rule-A&amp;B\">1</a>"
      "<h3 id=\"caf\xC3\xA9\">y</h3><a href=\"#caf%C3%A9\">2</a>"
      "<a name=\"old-style\"></a><a href=\"#old-style\">3</a><a href=\"#\">top</a>"
      "<a href=\"#rule-A\">4</a><a href=\"#rule-A\">5</a><a href=\"../../spec/x.md#rule-A\">6</a></body>";
  const auto check = check_page("", dom, {});
  EXPECT_EQ(check.problems, std::vector<std::string>{"link: #rule-A resolves to no element (2 links)"});
  EXPECT_EQ(check.links, 6u);  // a link to another file is not internal
}

TEST(AuditBrowserCheck, CommentsScriptAndStyleTextAreNotTags) {
  const std::string dom =
      "<body><!-- <a href=\"#in-comment\"> <img src=\"x.png\"> -->"
      "<script>var s = '<a href=\"#in-script\">';</script>"
      "<style>p { background: url(data:image/png;base64,AAAA) } .t { fill: url(#gradient) } "
      "a[href=\"#in-style\"] { color: red }</style>"
      "<p>a &lt;a href=\"#in-text\"&gt; as text</p></body>";
  const auto check = check_page("", dom, {});
  EXPECT_TRUE(check.problems.empty()) << ::testing::PrintToString(check.problems);
  EXPECT_EQ(check.links, 0u);
}

TEST(AuditBrowserCheck, AnythingThePageWouldFetchIsAProblem) {
  const std::string dom =
      "<head><link rel=\"stylesheet\" href=\"https://fonts.example/a.css\"><style>@import \"b.css\";</style></head>"
      "<body style=\"background: url('bg.png')\"><img src=\"data:image/png;base64,AAAA\"><object data=\"plot.svg\"></object></body>";
  const auto check = check_page("", dom, {});
  const std::vector<std::string> expected = {
      "fetch: <link href=\"https://fonts.example/a.css\">: the report must be self-contained",
      "fetch: @import \"b.css\": the report must be self-contained",
      "fetch: url(bg.png): the report must be self-contained",
      "fetch: <object data=\"plot.svg\">: the report must be self-contained"};
  EXPECT_EQ(check.problems, expected);
}

TEST(AuditBrowserCheck, ScanReadsUnquotedAndSingleQuotedAttributes) {
  const auto scan = scan_dom("<BODY><P ID=one><a href='#one' title=\"a > b\">x</a><a href=#two>y</a></BODY>");
  EXPECT_TRUE(scan.body);
  EXPECT_EQ(scan.ids, (std::set<std::string>{"one"}));
  EXPECT_EQ(scan.fragment_links, (std::vector<std::string>{"one", "two"}));
}

}  // namespace
