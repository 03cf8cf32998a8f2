#!/usr/bin/env bash
# tools/book.sh -- render the book: build/book/index.html, build/book/litevent.epub
# and build/book/litevent.pdf.
#
# 1. weave the chapters into plain AsciiDoc (build/weave/), anchored and linked;
# 2. render every figure chapters/*/*.dot to build/book/figures/*.svg;
# 3. asciidoctor -> HTML (rouge highlighting), failing on any warning;
# 4. asciidoctor -> DocBook -> pandoc -> EPUB 3;
# 5. turn the reference tokens in code listings into links, in both (in the
#    EPUB after pandoc, whose code blocks cannot hold links: on its pages);
# 6. check the pages: inline markup AsciiDoc got wrong (lit checkhtml), every
#    internal link of the EPUB lands on an id, no solution of an exercise
#    stands in a chapter of the EPUB, under its question, and every figure
#    reads at the page's width;
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

bad=0
# A figure is scaled down to the page: shown 800 px wide, its smallest text
# must still be 11 px (graphviz sizes are points, 4/3 px each).
for dot in chapters/*/*.dot; do
	[ -e "$dot" ] || continue
	svg=$out/figures/$(basename "${dot%.dot}").svg
	dot -Tsvg "$dot" -o "$svg"
	awk -v dot="$dot" '
		/<svg width="/ { match($0, /width="[0-9.]+pt"/); w = substr($0, RSTART + 7, RLENGTH - 10) + 0 }
		{
			while (match($0, /font-size="[0-9.]+"/)) {
				size = substr($0, RSTART + 11, RLENGTH - 12) + 0
				if (smallest == 0 || size < smallest) smallest = size
				$0 = substr($0, RSTART + RLENGTH)
			}
		}
		END {
			px = smallest * 4 / 3 * (w * 4 / 3 > 800 ? 800 / (w * 4 / 3) : 1)
			if (px < 11) {
				printf "%s: its smallest text is %.1f px when the page shows it 800 px wide (%d pt wide, %g pt text): make it narrower or its text larger\n", dot, px, w, smallest > "/dev/stderr"
				exit 1
			}
		}' "$svg" || bad=$((bad + 1))
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

# The EPUB.  DocBook keeps inline anchors that pandoc understands; the
# reference tokens go through pandoc as code and become links on the pages.
asciidoctor --failure-level=WARN "${attrs[@]}" -b docbook5 -D "$out" -o litevent.xml book/litevent.adoc
(cd "$out" && pandoc --quiet -f docbook -t epub3 --toc --toc-depth=2 \
	--css "$root/book/epub.css" --metadata-file "$root/book/epub-metadata.yaml" \
	--resource-path=. -o litevent.epub litevent.xml)
epub=$(mktemp -d)
# Leaving early (a failed check) must not leave the PDF render running.
trap 'rm -rf "$epub"; kill "$pdf" 2>/dev/null || true' EXIT
unzip -q "$out/litevent.epub" -d "$epub"
"$LIT" fixrefs "$weave/refs.tsv" "$epub"/EPUB/text/*.xhtml
# An EPUB is a zip whose first entry is "mimetype", stored uncompressed.
rm "$out/litevent.epub"
(cd "$epub" && zip -q -X0 "$root/$out/litevent.epub" mimetype &&
	zip -q -X -r9 "$root/$out/litevent.epub" . -x mimetype)

"$LIT" checkhtml --refs "$weave/refs.tsv" "$out/index.html" "$epub"/EPUB/text/*.xhtml ||
	bad=$((bad + 1))

# Every internal link of the EPUB must land on an id that exists.
for page in $(find "$epub" -name '*.xhtml' -o -name '*.ncx'); do
	dir=$(dirname "$page")
	while IFS= read -r link; do
		file=${link%%#*} id=${link#*#}
		target=$page
		[ -n "$file" ] && target=$dir/$file
		if [ ! -f "$target" ] || ! grep -q "id=\"$id\"" "$target"; then
			echo "EPUB: broken link $link in ${page#"$epub"/}" >&2
			bad=$((bad + 1))
		fi
	done < <(grep -oE '(href|src)="[^"#:]*#[^"]+"' "$page" | sed -E 's/^[a-z]+="(.*)"$/\1/' | sort -u)
done

# An e-reader cannot fold a solution away: each must be on the page of the
# solutions appendix, never on a chapter's page under its exercise.
solutions=$(grep -l 'id="solutions"' "$epub"/EPUB/text/*.xhtml || true)
while IFS=$'\t' read -r id _dir _fn chunk _rest; do
	title="⟨$(sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g' <<<"$chunk")⟩ ≡"
	for page in $(grep -lF "$title" "$epub"/EPUB/text/*.xhtml); do
		if [ "$page" != "$solutions" ]; then
			echo "EPUB: the solution to exercise $id is printed in ${page#"$epub"/}, under its question" >&2
			bad=$((bad + 1))
		fi
	done
	if [ -z "$solutions" ] || ! grep -qF "$title" "$solutions"; then
		echo "EPUB: the solution to exercise $id is missing from the solutions appendix" >&2
		bad=$((bad + 1))
	fi
done < <("$LIT" manifest "${chapters[@]}")

if [ $bad -ne 0 ]; then
	echo "book: $bad problem(s) in the rendered book (above)" >&2
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
