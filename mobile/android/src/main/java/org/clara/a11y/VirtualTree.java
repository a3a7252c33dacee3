package org.clara.a11y;

import android.graphics.Rect;
import android.os.Build;
import android.os.Bundle;
import android.text.SpannableString;
import android.text.Spanned;
import android.text.style.LocaleSpan;
import android.view.View;
import android.view.ViewParent;
import android.view.accessibility.AccessibilityEvent;
import android.view.accessibility.AccessibilityManager;
import android.view.accessibility.AccessibilityNodeInfo;
import android.view.accessibility.AccessibilityNodeInfo.AccessibilityAction;
import android.view.accessibility.AccessibilityNodeProvider;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The app's accessibility tree for TalkBack: virtual nodes over the one view SDL draws Kivy into.
 *
 * <p>Kivy draws every widget itself, so Android sees one opaque surface. Python (mobile/a11y/android.py,
 * through pyjnius) hands this provider the same flattened tree the desktop adapter publishes, as JSON,
 * whenever the screen changes; TalkBack asks it for nodes, and what TalkBack asks the app to do
 * (click, set text, show on screen, accessibility focus) is queued here for Python to take with
 * {@link #poll()} on Kivy's own thread.
 */
public final class VirtualTree extends AccessibilityNodeProvider {
    /** No node has accessibility focus. */
    public static final int NONE = Integer.MIN_VALUE;

    private final View host;
    private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    private volatile Map<Integer, JSONObject> nodes = Collections.emptyMap();
    private volatile int root = NONE;
    private volatile int accessibilityFocus = NONE;

    private VirtualTree(View host) {
        this.host = host;
    }

    /** Make {@code host} (SDL's surface) report this tree to accessibility services. */
    public static VirtualTree install(View host) {
        VirtualTree tree = new VirtualTree(host);
        host.setImportantForAccessibility(View.IMPORTANT_FOR_ACCESSIBILITY_YES);
        host.setAccessibilityDelegate(new View.AccessibilityDelegate() {
            @Override
            public AccessibilityNodeProvider getAccessibilityNodeProvider(View view) {
                return tree;
            }
        });
        return tree;
    }

    /** Whether a screen reader (or another service) listens: Python builds nothing otherwise. */
    public boolean listening() {
        AccessibilityManager manager = host.getContext().getSystemService(AccessibilityManager.class);
        return manager != null && manager.isEnabled();
    }

    /** A new tree: {"root": id, "focus": id, "nodes": [{"id", "role", "name", ...}]}. */
    public void update(String json) throws JSONException {
        JSONObject tree = new JSONObject(json);
        JSONArray list = tree.getJSONArray("nodes");
        Map<Integer, JSONObject> fresh = new HashMap<>();
        for (int i = 0; i < list.length(); i++) {
            JSONObject node = list.getJSONObject(i);
            fresh.put(node.getInt("id"), node);
        }
        nodes = fresh;
        root = tree.getInt("root");
        if (!fresh.containsKey(accessibilityFocus)) {
            accessibilityFocus = NONE;
        }
        host.post(() -> send(View.NO_ID, AccessibilityEvent.TYPE_WINDOW_CONTENT_CHANGED));
    }

    /** The next request from TalkBack ("click 17", "focus 17", "show 17", "set 17 text"), or null. */
    public String poll() {
        return requests.poll();
    }

    public int accessibilityFocus() {
        return accessibilityFocus;
    }

    @Override
    public AccessibilityNodeInfo createAccessibilityNodeInfo(int id) {
        if (id == View.NO_ID) {
            AccessibilityNodeInfo info = AccessibilityNodeInfo.obtain(host);
            host.onInitializeAccessibilityNodeInfo(info);
            JSONObject window = nodes.get(root);
            if (window != null) {
                info.setContentDescription(window.optString("name"));
                addChildren(info, window);
            }
            return info;
        }
        JSONObject node = nodes.get(id);
        if (node == null) {
            return null;
        }
        AccessibilityNodeInfo info = AccessibilityNodeInfo.obtain(host, id);
        info.setPackageName(host.getContext().getPackageName());
        int parent = node.optInt("parent", root);
        if (parent == root) {
            info.setParent(host);
        } else {
            info.setParent(host, parent);
        }
        String role = node.optString("role");
        info.setClassName(className(role));
        CharSequence text = spoken(node.optString("name"), node.optString("language"));
        // The app runs from Android 7 (API 24): newer calls are made where the phone has them.
        int api = Build.VERSION.SDK_INT;
        if (role.equals("search field")) {
            info.setEditable(true);
            if (api >= Build.VERSION_CODES.O) {
                info.setHintText(text);
            }
            info.setText(spoken(node.optString("value"), node.optString("language")));
        } else {
            info.setText(text);
        }
        if (!node.optString("description").isEmpty() && api >= Build.VERSION_CODES.R) {
            info.setStateDescription(node.optString("description"));
        }
        if (api >= Build.VERSION_CODES.P) {
            info.setHeading(role.equals("heading"));
            if (role.equals("dialog")) {
                info.setPaneTitle(text);
            }
        }
        if (role.equals("status")) {
            info.setLiveRegion(View.ACCESSIBILITY_LIVE_REGION_POLITE);
        }
        if (node.has("checked")) {
            info.setCheckable(true);
            info.setChecked(node.optBoolean("checked"));
        }
        boolean enabled = !node.optBoolean("disabled");
        info.setEnabled(enabled);
        Rect bounds = bounds(node);
        info.setBoundsInParent(bounds);
        int[] origin = new int[2];
        host.getLocationOnScreen(origin);
        Rect onScreen = new Rect(bounds);
        onScreen.offset(origin[0], origin[1]);
        info.setBoundsInScreen(onScreen);
        info.setVisibleToUser(Rect.intersects(bounds, new Rect(0, 0, host.getWidth(), host.getHeight())));
        JSONArray actions = node.optJSONArray("actions");
        for (int i = 0; actions != null && i < actions.length(); i++) {
            String action = actions.optString(i);
            if (action.equals("click")) {
                info.setClickable(true);
                info.addAction(AccessibilityAction.ACTION_CLICK);
            } else if (action.equals("set value")) {
                info.addAction(AccessibilityAction.ACTION_SET_TEXT);
            } else if (action.equals("scroll into view")) {
                info.addAction(AccessibilityAction.ACTION_SHOW_ON_SCREEN);
            }
        }
        info.setFocusable(enabled && (info.isClickable() || info.isEditable()));
        boolean focused = accessibilityFocus == id;
        info.setAccessibilityFocused(focused);
        info.addAction(focused ? AccessibilityAction.ACTION_CLEAR_ACCESSIBILITY_FOCUS
                               : AccessibilityAction.ACTION_ACCESSIBILITY_FOCUS);
        addChildren(info, node);
        return info;
    }

    @Override
    public boolean performAction(int id, int action, Bundle arguments) {
        if (id == View.NO_ID) {
            return host.performAccessibilityAction(action, arguments);
        }
        JSONObject node = nodes.get(id);
        if (node == null) {
            return false;
        }
        switch (action) {
            case AccessibilityNodeInfo.ACTION_ACCESSIBILITY_FOCUS:
                accessibilityFocus = id;
                requests.add("focus " + id);
                host.invalidate();
                send(id, AccessibilityEvent.TYPE_VIEW_ACCESSIBILITY_FOCUSED);
                return true;
            case AccessibilityNodeInfo.ACTION_CLEAR_ACCESSIBILITY_FOCUS:
                if (accessibilityFocus != id) {
                    return false;
                }
                accessibilityFocus = NONE;
                send(id, AccessibilityEvent.TYPE_VIEW_ACCESSIBILITY_FOCUS_CLEARED);
                return true;
            case AccessibilityNodeInfo.ACTION_CLICK:
                if (!offers(node, "click")) {
                    return false;
                }
                requests.add("click " + id);
                send(id, AccessibilityEvent.TYPE_VIEW_CLICKED);
                return true;
            case AccessibilityNodeInfo.ACTION_SET_TEXT:
                if (!offers(node, "set value")) {
                    return false;
                }
                CharSequence text = arguments == null ? "" : arguments.getCharSequence(
                        AccessibilityNodeInfo.ACTION_ARGUMENT_SET_TEXT_CHARSEQUENCE, "");
                requests.add("set " + id + " " + text);
                return true;
            default:
                if (action == AccessibilityAction.ACTION_SHOW_ON_SCREEN.getId() && offers(node, "scroll into view")) {
                    requests.add("show " + id);
                    return true;
                }
                return false;
        }
    }

    private static boolean offers(JSONObject node, String action) {
        JSONArray actions = node.optJSONArray("actions");
        for (int i = 0; actions != null && i < actions.length(); i++) {
            if (actions.optString(i).equals(action)) {
                return true;
            }
        }
        return false;
    }

    private void addChildren(AccessibilityNodeInfo info, JSONObject node) {
        JSONArray children = node.optJSONArray("children");
        for (int i = 0; children != null && i < children.length(); i++) {
            info.addChild(host, children.optInt(i));
        }
    }

    private static Rect bounds(JSONObject node) {
        JSONArray b = node.optJSONArray("bounds");
        if (b == null || b.length() < 4) {
            return new Rect();
        }
        int x = (int) Math.round(b.optDouble(0));
        int y = (int) Math.round(b.optDouble(1));
        return new Rect(x, y, x + (int) Math.round(b.optDouble(2)), y + (int) Math.round(b.optDouble(3)));
    }

    /** The words in their language, so that TalkBack switches voices (a LocaleSpan over all of them). */
    static CharSequence spoken(String words, String language) {
        if (words.isEmpty() || language.isEmpty()) {
            return words;
        }
        SpannableString text = new SpannableString(words);
        text.setSpan(new LocaleSpan(Locale.forLanguageTag(language)), 0, words.length(),
                Spanned.SPAN_EXCLUSIVE_EXCLUSIVE);
        return text;
    }

    static String className(String role) {
        switch (role) {
            case "button":
            case "link":
                return "android.widget.Button";
            case "radio":
                return "android.widget.RadioButton";
            case "search field":
                return "android.widget.EditText";
            case "list":
                return "android.widget.ListView";
            case "dialog":
            case "window":
            case "group":
                return "android.view.ViewGroup";
            default:
                return "android.widget.TextView";
        }
    }

    private void send(int id, int type) {
        ViewParent parent = host.getParent();
        if (parent == null) {
            return;
        }
        AccessibilityEvent event = AccessibilityEvent.obtain(type);
        event.setPackageName(host.getContext().getPackageName());
        event.setSource(host, id);
        parent.requestSendAccessibilityEvent(host, event);
    }
}
