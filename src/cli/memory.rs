//! The allocator: the system's, except that a template asking for more memory at once than it
//! may (text that doubles on every loop) stops the program with a message naming it, before
//! the machine runs out of memory and the system kills dealbook without a word.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;

pub struct Guarded;

fn check(size: usize) {
    dealbook::render::templates::check_allocation(size, |template| {
        // Nothing here may allocate: the message is put together on the stack.
        let mut digits = [0u8; 20];
        let mut n = size >> 20;
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let mut stderr = std::io::stderr().lock();
        for part in [
            &b"error: template "[..],
            template.as_bytes(),
            b" asked for ",
            &digits[at..],
            b" MB of memory at once, more than a template may use (text that grows on every loop?); it was stopped and nothing was written\n",
        ] {
            let _ = stderr.write_all(part);
        }
        std::process::exit(1);
    });
}

unsafe impl GlobalAlloc for Guarded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        check(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}
