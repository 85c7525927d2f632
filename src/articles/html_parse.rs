//! Parsing a page with html5ever within bounds. The HTML standard's tree construction checks
//! "in scope" by walking the stack of open elements, so a page nested N deep costs N² (a
//! 2 MB page of 200,000 nested elements: minutes). Browsers cap the depth of the tree; here
//! the tree sink watches the depth of what it is asked to append, and a page nested past
//! [`MAX_DEPTH`] is read instead from html5ever's tokens in order, without a tree, which is
//! linear. The decision depends on the page alone, so the same page always gives the same text.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

use ego_tree::NodeId;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{Html, HtmlTreeSink};

/// Deeper than any real page (browsers stop nesting at 512).
pub const MAX_DEPTH: usize = 512;

/// Input is fed in pieces of this size, the depth checked between them.
const CHUNK: usize = 16 << 10;

/// The page as a document tree, or None when it nests past [`MAX_DEPTH`].
pub fn document(html: &str) -> Option<Html> {
    let deep = Rc::new(Cell::new(false));
    let sink = Guarded {
        inner: HtmlTreeSink::new(Html::new_document()),
        deep: deep.clone(),
    };
    let mut parser = html5ever::parse_document(sink, Default::default());
    let mut at = 0;
    while at < html.len() {
        let mut end = (at + CHUNK).min(html.len());
        while !html.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&html[at..end]));
        if deep.get() {
            return None;
        }
        at = end;
    }
    let doc = parser.finish();
    (!deep.get()).then_some(doc)
}

/// A start tag, an end tag or text, in the order of the page.
pub enum Piece<'a> {
    Open(&'a str, &'a [Attribute]),
    Close(&'a str),
    Text(&'a str),
}

/// The page's tags and text in order, as html5ever's tokenizer reads them (character
/// references decoded; script, style and title contents read as raw text, as the tree builder
/// would have the tokenizer read them).
pub fn pieces(html: &str, f: impl FnMut(Piece<'_>)) {
    let tok = Tokenizer::new(Pieces(RefCell::new(f)), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tok.feed(&input);
    tok.end();
}

struct Pieces<F>(RefCell<F>);

impl<F: FnMut(Piece<'_>)> TokenSink for Pieces<F> {
    type Handle = ();

    fn process_token(&self, token: Token, _: u64) -> TokenSinkResult<()> {
        let mut f = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if tag.kind == TagKind::EndTag {
                    f(Piece::Close(name));
                    return TokenSinkResult::Continue;
                }
                f(Piece::Open(name, &tag.attrs));
                if tag.self_closing {
                    f(Piece::Close(name));
                    return TokenSinkResult::Continue;
                }
                match name {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                    "plaintext" => TokenSinkResult::Plaintext,
                    _ => TokenSinkResult::Continue,
                }
            }
            Token::CharacterTokens(t) => {
                f(Piece::Text(&t));
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// scraper's tree sink, watching how deep the elements it appends are.
struct Guarded {
    inner: HtmlTreeSink,
    deep: Rc<Cell<bool>>,
}

impl Guarded {
    fn check(&self, parent: &NodeId, child: &NodeOrText<NodeId>) {
        if self.deep.get() || !matches!(child, NodeOrText::AppendNode(_)) {
            return;
        }
        let html = self.inner.0.borrow();
        // Walks at most MAX_DEPTH ancestors: linear in the page until it is found too deep.
        if let Some(p) = html.tree.get(*parent)
            && p.ancestors().take(MAX_DEPTH).count() + 1 >= MAX_DEPTH
        {
            self.deep.set(true);
        }
    }

    fn parent_of(&self, node: &NodeId) -> Option<NodeId> {
        let html = self.inner.0.borrow();
        html.tree.get(*node)?.parent().map(|p| p.id())
    }
}

impl TreeSink for Guarded {
    type Output = Html;
    type Handle = NodeId;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Html {
        self.inner.finish()
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg)
    }
    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        self.inner.elem_name(target)
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.inner.create_element(name, attrs, flags)
    }
    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.check(parent, &child);
        self.inner.append(parent, child)
    }
    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        if let Some(p) = self.parent_of(element).or(Some(*prev_element)) {
            self.check(&p, &child);
        }
        self.inner
            .append_based_on_parent_node(element, prev_element, child)
    }
    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id)
    }
    fn mark_script_already_started(&self, node: &NodeId) {
        self.inner.mark_script_already_started(node)
    }
    fn pop(&self, node: &NodeId) {
        self.inner.pop(node)
    }
    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }
    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        if let Some(p) = self.parent_of(sibling) {
            self.check(&p, &new_node);
        }
        self.inner.append_before_sibling(sibling, new_node)
    }
    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs)
    }
    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target)
    }
    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent)
    }
}
