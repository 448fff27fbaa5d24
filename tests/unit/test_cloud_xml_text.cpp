// The tolerant element-text reader used for STS and S3 XML answers.
#include <catch2/catch.hpp>

#include "kvonce/cloud/xml_text.hpp"

using namespace kvonce::cloud;

TEST_CASE("xml::text") {
  SECTION("first element's text, namespaces and attributes ignored") {
    const std::string doc =
        R"(<?xml version="1.0"?><R xmlns="urn:x"><s:Key a="1">one</s:Key><Key>two</Key></R>)";
    CHECK(xml::text(doc, "Key") == "one");
  }
  SECTION("entities and character references are decoded") {
    CHECK(xml::text("<K>a&amp;b &lt;c&gt; &quot;&apos; &#233;&#x65E5;</K>", "K") ==
          "a&b <c> \"' \xC3\xA9\xE6\x97\xA5");
  }
  SECTION("unknown or malformed entities stay as written") {
    CHECK(xml::text("<K>&nbsp; &#xZZ; &#0; &</K>", "K") == "&nbsp; &#xZZ; &#0; &");
  }
  SECTION("CDATA is kept literally, child tags are dropped") {
    CHECK(xml::text("<K><![CDATA[a<b>&amp;]]> <i>x</i></K>", "K") == "a<b>&amp; x");
  }
  SECTION("a name is matched whole: Key is not KeyCount") {
    CHECK(xml::text("<KeyCount>3</KeyCount>", "Key") == std::nullopt);
    CHECK(xml::text("<KeyCount>3</KeyCount><Key>k</Key>", "Key") == "k");
  }
  SECTION("absent, empty and unclosed elements") {
    CHECK(xml::text("<A>1</A>", "B") == std::nullopt);
    CHECK(xml::text("<A/>", "A") == "");
    CHECK(xml::text("<A></A>", "A") == "");
    CHECK(xml::text("<A>never closed", "A") == std::nullopt);
  }
}

TEST_CASE("xml::elements") {
  SECTION("every element in order, inner markup raw") {
    const std::string doc =
        "<L><Contents><Key>a</Key><Size>1</Size></Contents>\n"
        "<Contents><Key>b&amp;c</Key></Contents><Contents/></L>";
    const auto found = xml::elements(doc, "Contents");
    REQUIRE(found.size() == 3);
    CHECK(found[0] == "<Key>a</Key><Size>1</Size>");
    CHECK(xml::text(found[1], "Key") == "b&c");
    CHECK(found[2].empty());
  }
  SECTION("whitespace inside an end tag is allowed") {
    CHECK(xml::elements("<A>x</A >", "A").size() == 1);
  }
  SECTION("comments and declarations are not elements") {
    CHECK(xml::elements("<!-- <A> --><?A?>", "A").empty());
  }
}
