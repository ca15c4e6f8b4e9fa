export * from './rgbImage.js';
export * from './loadImage.js';
export * from './resizeImage.js';
export * from './saveImagePng.js';
export * from './imageTensor.js';
export * from './scaledImage.js';
