package org.diloco4j.app.report;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The report parsed as XML (the page is written well-formed so tests can query it by XPath
 * without an HTML library); parsing also proves every element is closed.
 */
final class HtmlDoc {
    private final Document doc;

    HtmlDoc(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setExpandEntityReferences(false);
        doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
    }

    List<Element> all(String xpath) throws Exception {
        return all(doc, xpath);
    }

    static List<Element> all(Node context, String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, context, XPathConstants.NODESET);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    Element one(String xpath) throws Exception {
        List<Element> l = all(xpath);
        if (l.size() != 1) {
            throw new AssertionError("expected exactly one match of " + xpath + ", got " + l.size());
        }
        return l.get(0);
    }

    /** The texts of the matches, whitespace-trimmed. */
    List<String> texts(String xpath) throws Exception {
        return all(xpath).stream().map(e -> e.getTextContent().trim()).toList();
    }
}
