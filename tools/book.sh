#!/usr/bin/env bash
# tools/book.sh -- render the book: build/book/index.html, build/book/litevent.epub
# and build/book/litevent.pdf.
#
# 1. weave the chapters into plain AsciiDoc (build/weave/), anchored and linked;
# 2. render every figure chapters/*/*.dot to build/book/figures/*.svg;
# 3. asciidoctor -> HTML (rouge highlighting), failing on any warning;
# 4. asciidoctor -> DocBook -> pandoc -> EPUB 3;
# 5. turn the reference tokens in code listings into links, in both;
# 6. check that every link inside the EPUB resolves;
# 7. asciidoctor-pdf -> PDF (in the background from step 3 on, as it takes
#    longest), failing on any warning; check that its links resolve.
set -euo pipefail

root=$(pwd)
LIT=build/tools/lit
out=build/book
weave=build/weave
rm -rf "$weave" "$out"
mkdir -p "$weave" "$out/figures"

chapters=(chapters/*/*.adoc)
"$LIT" weave --out "$weave" "${chapters[@]}"

for dot in chapters/*/*.dot; do
	[ -e "$dot" ] || continue
	dot -Tsvg "$dot" -o "$out/figures/$(basename "${dot%.dot}").svg"
done

attrs=(-a "weavedir=$root/$weave" -a "examplesdir=$root/examples" -a imagesdir=figures
	-a "docinfodir=$root/book")

# The PDF: DejaVu fonts (book/pdf-theme.yml), and the chunk references in
# code listings made links while the listing is laid out (book/pdf-chunk-links.rb).
# It is the slowest render (Prawn lays out ~300 pages in Ruby): Ruby's JIT,
# where it has one, and a heap sized for the job take a third off its time.
pdf_ruby=(RUBY_GC_HEAP_INIT_SLOTS=2000000 RUBY_GC_MALLOC_LIMIT=200000000)
ruby --yjit -e '' 2>/dev/null && pdf_ruby+=(RUBYOPT=--yjit)
env "${pdf_ruby[@]}" LITEVENT_REFS=$root/$weave/refs.tsv asciidoctor-pdf --failure-level=WARN "${attrs[@]}" \
	-a "imagesdir=$root/$out/figures" -a source-highlighter=rouge -a "pdf-theme=$root/book/pdf-theme.yml" -a tabsize=8 -a compress \
	-r "$root/book/pdf-chunk-links.rb" -D "$out" -o litevent.pdf book/litevent.adoc >"$weave/pdf.log" 2>&1 &
pdf=$!

asciidoctor --failure-level=WARN "${attrs[@]}" -a source-highlighter=rouge \
	-D "$out" -o index.html book/litevent.adoc
"$LIT" fixrefs "$weave/refs.tsv" "$out/index.html"

# The EPUB: DocBook keeps inline anchors that pandoc understands.
asciidoctor --failure-level=WARN "${attrs[@]}" -b docbook5 -D "$out" -o litevent.xml book/litevent.adoc
"$LIT" fixrefs "$weave/refs.tsv" "$out/litevent.xml"
(cd "$out" && pandoc --quiet -f docbook -t epub3 --toc --toc-depth=2 \
	--css "$root/book/epub.css" --metadata-file "$root/book/epub-metadata.yaml" \
	--resource-path=. -o litevent.epub litevent.xml)

# Every internal link of the EPUB must land on an id that exists.
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
unzip -q "$out/litevent.epub" -d "$check"
bad=0
for page in $(find "$check" -name '*.xhtml' -o -name '*.ncx'); do
	dir=$(dirname "$page")
	while IFS= read -r link; do
		file=${link%%#*} id=${link#*#}
		target=$page
		[ -n "$file" ] && target=$dir/$file
		if [ ! -f "$target" ] || ! grep -q "id=\"$id\"" "$target"; then
			echo "EPUB: broken link $link in ${page#"$check"/}" >&2
			bad=$((bad + 1))
		fi
	done < <(grep -oE '(href|src)="[^"#:]*#[^"]+"' "$page" | sed -E 's/^[a-z]+="(.*)"$/\1/' | sort -u)
done
if [ $bad -ne 0 ]; then
	echo "book: $bad broken link(s) in the EPUB" >&2
	exit 1
fi

if ! wait "$pdf"; then
	cat "$weave/pdf.log" >&2
	echo "book: the PDF render failed" >&2
	exit 1
fi
# Every link inside the PDF must land on a destination it defines.
pdfinfo -dests "$out/litevent.pdf" | sed -n 's/^ *[0-9][0-9]* \[.*\] "\(.*\)"$/\1/p' | sort -u >"$weave/pdf-dests"
grep -a -o '/Dest ([^)]*)' "$out/litevent.pdf" | sed 's@^/Dest (\(.*\))$@\1@' | sort -u >"$weave/pdf-links"
if [ ! -s "$weave/pdf-links" ] || [ -n "$(comm -23 "$weave/pdf-links" "$weave/pdf-dests")" ]; then
	echo "book: links in the PDF with no destination: $(comm -23 "$weave/pdf-links" "$weave/pdf-dests" | tr '\n' ' ')" >&2
	exit 1
fi

echo "book: $out/index.html, $out/litevent.epub and $out/litevent.pdf"
