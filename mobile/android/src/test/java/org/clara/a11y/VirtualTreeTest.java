package org.clara.a11y;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import android.content.Context;
import android.graphics.Rect;
import android.os.Bundle;
import android.text.Spanned;
import android.text.style.LocaleSpan;
import android.view.View;
import android.view.accessibility.AccessibilityNodeInfo;
import android.view.accessibility.AccessibilityNodeProvider;
import android.widget.FrameLayout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/**
 * The bridge on the real Android framework (Robolectric runs Android 14's own classes): the nodes
 * TalkBack would read, and its requests reaching the queue Python empties.
 *
 * <p>The tree is the app's own home screen in Spanish when {@code clara.tree} names a file
 * (tests/mobile/test_android_bridge.py flattens it from the running app), else a small one.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 34)  // Android 14: the newest Robolectric 4.14 runs on Java 17, and the phone's target API
public class VirtualTreeTest {
    private static final String SMALL = "{\"root\": 1, \"focus\": 1, \"nodes\": ["
            + "{\"id\": 1, \"parent\": -1, \"role\": \"window\", \"name\": \"Inicio – Clara\", \"language\": \"es\","
            + " \"bounds\": [0, 0, 400, 800], \"children\": [2, 3, 4, 5, 6], \"actions\": []},"
            + "{\"id\": 2, \"parent\": 1, \"role\": \"heading\", \"name\": \"¿Cómo se tratan?\", \"language\": \"es\","
            + " \"level\": 1, \"bounds\": [16, 70, 368, 30], \"children\": [], \"actions\": [\"scroll into view\"]},"
            + "{\"id\": 3, \"parent\": 1, \"role\": \"link\", \"name\": \"Cirugía\", \"language\": \"es\","
            + " \"bounds\": [16, 120, 368, 48], \"children\": [], \"actions\": [\"click\", \"focus\", \"scroll into view\"]},"
            + "{\"id\": 4, \"parent\": 1, \"role\": \"button\", \"name\": \"English\", \"language\": \"en\","
            + " \"bounds\": [300, 8, 90, 48], \"children\": [], \"actions\": [\"click\", \"focus\", \"scroll into view\"]},"
            + "{\"id\": 5, \"parent\": 1, \"role\": \"button\", \"name\": \"Texto más pequeño\", \"language\": \"es\","
            + " \"disabled\": true, \"bounds\": [16, 200, 368, 48], \"children\": [], \"actions\": []},"
            + "{\"id\": 6, \"parent\": 1, \"role\": \"search field\", \"name\": \"Buscar\", \"language\": \"es\","
            + " \"value\": \"\", \"bounds\": [16, 260, 368, 48], \"children\": [],"
            + " \"actions\": [\"focus\", \"scroll into view\", \"set value\"]}]}";

    private View host;
    private VirtualTree tree;
    private JSONObject source;

    @Before
    public void setUp() throws Exception {
        Context context = RuntimeEnvironment.getApplication();
        FrameLayout parent = new FrameLayout(context);
        host = new View(context);
        parent.addView(host, new FrameLayout.LayoutParams(400, 800));
        parent.measure(View.MeasureSpec.makeMeasureSpec(400, View.MeasureSpec.EXACTLY),
                View.MeasureSpec.makeMeasureSpec(800, View.MeasureSpec.EXACTLY));
        parent.layout(0, 0, 400, 800);
        tree = VirtualTree.install(host);
        String file = System.getProperty("clara.tree", "");
        String json = file.isEmpty() ? SMALL : new String(Files.readAllBytes(Path.of(file)), StandardCharsets.UTF_8);
        source = new JSONObject(json);
        tree.update(json);
    }

    private JSONObject first(String role) throws Exception {
        JSONArray nodes = source.getJSONArray("nodes");
        for (int i = 0; i < nodes.length(); i++) {
            JSONObject node = nodes.getJSONObject(i);
            if (node.getString("role").equals(role) && !node.optBoolean("disabled")) {
                return node;
            }
        }
        throw new AssertionError("no " + role);
    }

    private AccessibilityNodeInfo info(JSONObject node) throws Exception {
        AccessibilityNodeProvider provider = host.getAccessibilityNodeProvider();
        assertNotNull("the view offers the provider", provider);
        AccessibilityNodeInfo found = provider.createAccessibilityNodeInfo(node.getInt("id"));
        assertNotNull(found);
        return found;
    }

    private static Locale localeOf(CharSequence text) {
        LocaleSpan[] spans = ((Spanned) text).getSpans(0, text.length(), LocaleSpan.class);
        assertEquals(1, spans.length);
        return spans[0].getLocale();
    }

    @Test
    public void theViewListsTheWindowsChildrenAsVirtualNodes() throws Exception {
        AccessibilityNodeInfo window = host.getAccessibilityNodeProvider().createAccessibilityNodeInfo(View.NO_ID);
        JSONObject root = null;
        JSONArray nodes = source.getJSONArray("nodes");
        for (int i = 0; i < nodes.length(); i++) {
            if (nodes.getJSONObject(i).getInt("id") == source.getInt("root")) {
                root = nodes.getJSONObject(i);
            }
        }
        assertEquals(root.getJSONArray("children").length(), window.getChildCount());
        assertEquals(root.getString("name"), window.getContentDescription().toString());
    }

    @Test
    public void everyNodeSaysItsTextInItsLanguage() throws Exception {
        JSONArray nodes = source.getJSONArray("nodes");
        int named = 0;
        for (int i = 0; i < nodes.length(); i++) {
            JSONObject node = nodes.getJSONObject(i);
            if (node.getInt("id") == source.getInt("root") || node.getString("name").isEmpty()
                    || node.getString("role").equals("search field")) {
                continue;
            }
            AccessibilityNodeInfo info = info(node);
            assertEquals(node.getString("name"), info.getText().toString());
            assertEquals(Locale.forLanguageTag(node.getString("language")), localeOf(info.getText()));
            assertEquals(node.getString("role").equals("heading"), info.isHeading());
            named++;
        }
        assertTrue(named > 3);
    }

    @Test
    public void aHeadingIsAHeadingAndABoundIsWhereTheAppDrewIt() throws Exception {
        JSONObject heading = first("heading");
        AccessibilityNodeInfo info = info(heading);
        assertTrue(info.isHeading());
        assertEquals("android.widget.TextView", info.getClassName().toString());
        JSONArray b = heading.getJSONArray("bounds");
        Rect inParent = new Rect();
        info.getBoundsInParent(inParent);
        assertEquals(Math.round(b.getDouble(0)), inParent.left);
        assertEquals(Math.round(b.getDouble(1)), inParent.top);
        assertEquals(Math.round(b.getDouble(2)), inParent.width());
        Rect onScreen = new Rect();
        info.getBoundsInScreen(onScreen);
        int[] origin = new int[2];
        host.getLocationOnScreen(origin);
        assertEquals(inParent.left + origin[0], onScreen.left);
    }

    @Test
    public void aClickReachesTheQueueAndADimmedButtonRefusesIt() throws Exception {
        JSONObject link = first("link");
        AccessibilityNodeInfo info = info(link);
        assertTrue(info.isClickable());
        assertTrue(info.getActionList().contains(AccessibilityNodeInfo.AccessibilityAction.ACTION_CLICK));
        assertTrue(host.getAccessibilityNodeProvider().performAction(link.getInt("id"),
                AccessibilityNodeInfo.ACTION_CLICK, null));
        assertEquals("click " + link.getInt("id"), tree.poll());
        assertNull(tree.poll());
        if (!System.getProperty("clara.tree", "").isEmpty()) {
            return;  // the app's home screen has no dimmed button
        }
        assertFalse(host.getAccessibilityNodeProvider().performAction(5, AccessibilityNodeInfo.ACTION_CLICK, null));
        assertFalse(info(source.getJSONArray("nodes").getJSONObject(4)).isEnabled());
        assertNull(tree.poll());
    }

    @Test
    public void accessibilityFocusMovesAndIsToldToTheApp() throws Exception {
        JSONObject link = first("link");
        int id = link.getInt("id");
        assertFalse(info(link).isAccessibilityFocused());
        assertTrue(host.getAccessibilityNodeProvider().performAction(id,
                AccessibilityNodeInfo.ACTION_ACCESSIBILITY_FOCUS, null));
        assertEquals(id, tree.accessibilityFocus());
        assertTrue(info(link).isAccessibilityFocused());
        assertEquals("focus " + id, tree.poll());
        assertTrue(host.getAccessibilityNodeProvider().performAction(id,
                AccessibilityNodeInfo.ACTION_CLEAR_ACCESSIBILITY_FOCUS, null));
        assertEquals(VirtualTree.NONE, tree.accessibilityFocus());
    }

    @Test
    public void textSetByTheScreenReaderReachesTheSearchField() throws Exception {
        if (!System.getProperty("clara.tree", "").isEmpty()) {
            return;  // the home screen has no search field
        }
        JSONObject field = first("search field");
        AccessibilityNodeInfo info = info(field);
        assertTrue(info.isEditable());
        assertEquals("android.widget.EditText", info.getClassName().toString());
        Bundle text = new Bundle();
        text.putCharSequence(AccessibilityNodeInfo.ACTION_ARGUMENT_SET_TEXT_CHARSEQUENCE, "quimio");
        assertTrue(host.getAccessibilityNodeProvider().performAction(field.getInt("id"),
                AccessibilityNodeInfo.ACTION_SET_TEXT, text));
        assertEquals("set " + field.getInt("id") + " quimio", tree.poll());
    }

    @Test
    public void anUnknownNodeIsNoNode() {
        assertNull(host.getAccessibilityNodeProvider().createAccessibilityNodeInfo(987654));
        assertFalse(host.getAccessibilityNodeProvider().performAction(987654, AccessibilityNodeInfo.ACTION_CLICK, null));
    }
}
